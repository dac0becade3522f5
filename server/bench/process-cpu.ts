/**
 * CPU time used by a process and its children, read from Linux's /proc, for benchmarks on a machine whose cores the
 * measured processes share: there the wall time mostly says who waited for a core, the CPU time what each part costs.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;
function clockTicks(): number {
	if (ticksPerSecond === undefined) {
		try {
			ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
		} catch {
			ticksPerSecond = 100;
		}
	}
	return ticksPerSecond;
}

/** utime, stime, cutime, cstime and the parent's pid of one process (fields 14–17 and 4 of /proc/<pid>/stat). */
function stat(pid: number): { own: number; reaped: number; ppid: number } | undefined {
	let text: string;
	try {
		text = readFileSync(`/proc/${pid}/stat`, 'utf8');
	} catch {
		return undefined;
	}
	// The command name (field 2) is in parentheses and may hold spaces: count the fields after its closing one.
	const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
	const at = (field: number) => Number(fields[field - 3]);
	return { own: at(14) + at(15), reaped: at(16) + at(17), ppid: at(4) };
}

/** Milliseconds of CPU the process `pid` itself has used (all its threads). Undefined where /proc cannot be read. */
export function ownCpuMs(pid: number): number | undefined {
	const root = stat(pid);
	return root && (root.own * 1000) / clockTicks();
}

/**
 * Milliseconds of CPU the process `pid` has used, with its live children's and the children it has reaped (a
 * PostgreSQL server's backends are children of its postmaster). Undefined where /proc cannot be read.
 */
export function treeCpuMs(pid: number): number | undefined {
	const root = stat(pid);
	if (!root) return undefined;
	let ticks = root.own + root.reaped;
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		const child = stat(Number(entry));
		if (child?.ppid === pid) ticks += child.own + child.reaped;
	}
	return (ticks * 1000) / clockTicks();
}
