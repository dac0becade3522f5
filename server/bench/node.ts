/**
 * npm run bench:node — our Evolution API node against the most-installed one (`n8n-nodes-evolution-api`, from the npm
 * registry), each in the real n8n 1.123.50 the end-to-end harness installs (~/.cache/n8n-e2e/n8n1), against the same
 * Evolution sandbox (in this process, as the e2e starts it):
 *  - send: Manual → Code making N items → Send Text (one request per item; sends stay one at a time);
 *  - read: Manual → Code making N items → Check Numbers, one number per item. Their node reads only the first item
 *    (it calls getNodeParameter(…, 0)), so their workflow runs it in a Loop Over Items of 1, as a user has to.
 * Runs are interleaved A B A B A B (`n8n execute --id --rawOutput`, one CLI process per run); the duration is n8n's
 * own (the run's stoppedAt − startedAt), and the node's own executionTime is shown beside it. Every request that
 * reached the sandbox is recorded (its body and answer status): each run must have sent exactly the N expected texts
 * to the N expected numbers, or asked exactly the N numbers, and n8n's output must hold N correct answers.
 *
 * The two packages get separate n8n user folders (the same n8n, the same settings): both name their credential type
 * `evolutionApi`, and n8n keeps one credential type per name, so in one folder one package would run with the other's.
 *
 * Knobs: BENCH_ITEMS (default 1000; e.g. 100 for a quick check), BENCH_PAIRS (default 3),
 * BENCH_THEIRS_VERSION (default 1.0.4, the version measured in BENCHMARKS.md). Prints the load average.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, homedir, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createServer } from 'node:net';
import { buildSandbox } from '../sandbox';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 1000);
const PAIRS = Number(process.env.BENCH_PAIRS ?? 3);
const THEIRS_VERSION = process.env.BENCH_THEIRS_VERSION ?? '1.0.4';
/** A folder for V8 CPU profiles of each `n8n execute` process (where n8n spends a run's time), e.g. /tmp/prof. */
const CPU_PROFILE_DIR = process.env.BENCH_CPU_PROF;
const N8N_VERSION = '1.123.50';
const API_KEY = `bench-${randomBytes(6).toString('hex')}`;
const INSTANCE = 'bench';
const REPO_ROOT = resolve(__dirname, '..', '..', '..');
const n8nDir = join(process.env.N8N_E2E_CACHE || join(homedir(), '.cache', 'n8n-e2e'), 'n8n1');

// n8n's run JSON and the sandbox's bodies, read loosely: the checks below say what each field must be.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped JSON from another program
type Json = Record<string, any>;
interface Sent {
	path: string;
	body: Json;
	status: number;
	/** The sandbox's own time for the request, from its arrival to the answer sent (fastify's elapsedTime). */
	ms: number;
}

/**
 * CPU time, not only wall time: on a shared machine a run's duration also counts the time its processes wait for a
 * core, and a node's cost shows better as CPU. A process records its CPU time (user + system) every 20 ms; the CPU a
 * run used is read between the run's startedAt and stoppedAt.
 */
type CpuSamples = Array<[number, number]>;
const CPU_SAMPLER = `const samples = []; const take = () => { const u = process.cpuUsage(); samples.push([Date.now(), (u.user + u.system) / 1000]); };
take(); setInterval(take, 20).unref();
process.on('exit', () => { take(); require('node:fs').writeFileSync(process.env.BENCH_CPU_SAMPLES_FILE, JSON.stringify(samples)); });`;

function cpuAt(samples: CpuSamples, at: number): number {
	let previous = samples[0];
	for (const sample of samples) {
		if (sample[0] >= at) {
			if (sample[0] === previous[0]) return sample[1];
			return previous[1] + ((sample[1] - previous[1]) * (at - previous[0])) / (sample[0] - previous[0]);
		}
		previous = sample;
	}
	return previous[1];
}

/** CPU milliseconds a process used between two wall-clock times (ms). */
function cpuBetween(samples: CpuSamples, from: number, to: number): number {
	return samples.length === 0 ? 0 : cpuAt(samples, to) - cpuAt(samples, from);
}

/** This process's CPU time (the sandbox is the only thing it runs during a run), sampled like n8n's. */
function sampleOwnCpu(): { samples: CpuSamples; stop(): void } {
	const samples: CpuSamples = [];
	const take = () => {
		const usage = process.cpuUsage();
		samples.push([Date.now(), (usage.user + usage.system) / 1000]);
	};
	take();
	const timer = setInterval(take, 20);
	return { samples, stop: () => (clearInterval(timer), take()) };
}

function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<{ code: number | null; stdout: string; stderr: string }> {
	// stdout goes to a file, not a pipe: `n8n execute` prints a run of 1,000 items (megabytes) and exits at once, and
	// writes to a pipe still queued at exit are lost (a file is written synchronously).
	const outDir = mkdtempSync(join(tmpdir(), 'n8n-bench-out-'));
	const outFile = join(outDir, 'stdout');
	const out = openSync(outFile, 'w');
	return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolvePromise, reject) => {
		const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', out, 'pipe'] });
		let stderr = '';
		child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		// Killed by its process group (it was spawned detached, so it leads one) when it overruns.
		const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), options.timeoutMs);
		child.on('error', reject);
		child.on('close', (code) => {
			clearTimeout(timer);
			resolvePromise({ code, stdout: readFileSync(outFile, 'utf8'), stderr });
		});
	}).finally(() => {
		closeSync(out);
		rmSync(outDir, { recursive: true, force: true });
	});
}

async function runOk(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<string> {
	const result = await run(command, args, { timeoutMs: 300_000, ...options });
	if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.code})\n${result.stdout.slice(-2000)}\n${result.stderr.slice(-2000)}`);
	return result.stdout;
}

function freePort(): Promise<number> {
	return new Promise((resolvePromise, reject) => {
		const server = createServer();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => resolvePromise(typeof address === 'object' && address ? address.port : 0));
		});
	});
}

/** npm's environment without the calling npm's settings (npm run sets npm_config_* that must not leak in). */
function cleanEnv(): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) if (!/^(npm_|N8N_|NODE_OPTIONS$|NODE_ENV$|DB_|INIT_CWD$)/i.test(key)) env[key] = value;
	return env;
}

/** One n8n user folder with one package, the settings the e2e harness uses, and the CLI. */
class N8nFolder {
	readonly dir = mkdtempSync(join(tmpdir(), 'n8n-bench-node-'));
	private readonly env: NodeJS.ProcessEnv = {
		...cleanEnv(),
		N8N_USER_FOLDER: this.dir,
		N8N_ENCRYPTION_KEY: randomBytes(24).toString('hex'),
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		N8N_REINSTALL_MISSING_PACKAGES: 'false',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		// `execute --rawOutput` prints the run through n8n's logger, at info.
		N8N_LOG_OUTPUT: 'console',
		N8N_LOG_LEVEL: 'info',
		NODE_ENV: 'production',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
	};
	readonly nodesDir = join(this.dir, '.n8n', 'nodes');

	constructor() {
		mkdirSync(this.nodesDir, { recursive: true });
	}

	async cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
		const env = { ...this.env, N8N_RUNNERS_BROKER_PORT: String(await freePort()) };
		return await run(process.execPath, [join(n8nDir, 'node_modules', 'n8n', 'bin', 'n8n'), ...args], { cwd: this.dir, env, timeoutMs: 600_000 });
	}

	/** `n8n execute` of one workflow, with the CPU time the n8n process used, sampled (see CPU_SAMPLER). */
	async execute(workflowId: string, profileName: string): Promise<{ code: number | null; stdout: string; stderr: string; cpu: CpuSamples }> {
		const samplesFile = join(this.dir, 'cpu-samples.json');
		const sampler = join(this.dir, 'cpu-sampler.js');
		writeFileSync(sampler, CPU_SAMPLER);
		rmSync(samplesFile, { force: true });
		const env = { ...this.env, N8N_RUNNERS_BROKER_PORT: String(await freePort()), BENCH_CPU_SAMPLES_FILE: samplesFile };
		const profile = CPU_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROFILE_DIR}`, `--cpu-prof-name=${profileName}.cpuprofile`] : [];
		const result = await run(process.execPath, ['--require', sampler, ...profile, join(n8nDir, 'node_modules', 'n8n', 'bin', 'n8n'), 'execute', `--id=${workflowId}`, '--rawOutput'], {
			cwd: this.dir,
			env,
			timeoutMs: 600_000,
		});
		const cpu = existsSync(samplesFile) ? (JSON.parse(readFileSync(samplesFile, 'utf8')) as CpuSamples) : [];
		return { ...result, cpu };
	}

	async cliOk(args: string[]): Promise<void> {
		const result = await this.cli(args);
		if (result.code !== 0) throw new Error(`n8n ${args.join(' ')} exited ${result.code}\n${result.stdout.slice(-2000)}\n${result.stderr.slice(-2000)}`);
	}

	async importAll(credential: Json, workflows: Json[]): Promise<void> {
		writeFileSync(join(this.dir, 'credentials.json'), JSON.stringify([credential]));
		await this.cliOk(['import:credentials', `--input=${join(this.dir, 'credentials.json')}`]);
		const dir = join(this.dir, 'workflows');
		mkdirSync(dir);
		workflows.forEach((workflow, i) => writeFileSync(join(dir, `${i}.json`), JSON.stringify(workflow)));
		await this.cliOk(['import:workflow', '--separate', `--input=${dir}`]);
	}

	dispose(): void {
		rmSync(this.dir, { recursive: true, force: true });
	}
}

/** `npm pack` of this repository (built by `gulp build` first), unpacked where n8n's community installer puts it. */
async function installOurs(folder: N8nFolder): Promise<{ name: string; version: string }> {
	const packDir = mkdtempSync(join(tmpdir(), 'n8n-bench-pack-'));
	try {
		const out = await runOk('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', packDir], { cwd: REPO_ROOT, env: cleanEnv() });
		const [packed] = JSON.parse(out.slice(out.indexOf('['))) as Array<{ name: string; version: string; filename: string }>;
		const target = join(folder.nodesDir, 'node_modules', packed.name);
		mkdirSync(target, { recursive: true });
		await runOk('tar', ['-xzf', join(packDir, packed.filename), '-C', target, '--strip-components=1'], { cwd: packDir, env: process.env });
		writeFileSync(join(folder.nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true, dependencies: { [packed.name]: packed.version } }));
		return packed;
	} finally {
		rmSync(packDir, { recursive: true, force: true });
	}
}

/** The other package from the registry, into the folder's nodes/ as n8n's installer does (npm install there). */
async function installTheirs(folder: N8nFolder): Promise<string> {
	writeFileSync(join(folder.nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true }));
	// Its preinstall (`npx only-allow pnpm`) is a check for its own developers; n8n's installer skips scripts too.
	await runOk('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--omit=dev', `n8n-nodes-evolution-api@${THEIRS_VERSION}`], { cwd: folder.nodesDir, env: cleanEnv() });
	return (JSON.parse(readFileSync(join(folder.nodesDir, 'node_modules', 'n8n-nodes-evolution-api', 'package.json'), 'utf8')) as { version: string }).version;
}

const manual = { id: 'b0000000-0000-4000-8000-000000000001', name: 'Manual', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };
const code = (numberExpr: string) => ({
	id: 'b0000000-0000-4000-8000-000000000002',
	name: 'Items',
	type: 'n8n-nodes-base.code',
	typeVersion: 2,
	position: [200, 0],
	parameters: { jsCode: `return Array.from({ length: ${ITEMS} }, (_, i) => ({ json: { number: ${numberExpr}, text: 'bench message ' + i } }));` },
});
/** 5511 + 9 + 8 digits: a valid Brazilian mobile, distinct per item, never ending in 0000 (the sandbox's "not on WhatsApp"). */
const NUMBER_EXPR = `'55119' + String(70000001 + i)`;
const expectedNumber = (i: number) => `55119${70000001 + i}`;
const credentialRef = { evolutionApi: { id: 'benchCredential01', name: 'Evolution sandbox' } };
const link = (from: string, to: string, output = 0) => ({ [from]: { main: Object.assign([[]], { [output]: [{ node: to, type: 'main', index: 0 }] }) } });

function workflow(id: string, nodes: Json[], connections: Json): Json {
	return { id, name: id, active: false, nodes, connections, settings: { executionOrder: 'v1' }, pinData: {} };
}

function oursWorkflows(): Json[] {
	const node = (parameters: Json) => ({ id: 'b0000000-0000-4000-8000-000000000003', name: 'Evolution', type: 'n8n-nodes-evolution-whatsapp.evolutionApi', typeVersion: 1, position: [400, 0], parameters, credentials: credentialRef });
	const instanceName = { __rl: true, mode: 'name', value: INSTANCE };
	return [
		workflow('benchSend', [manual, code(NUMBER_EXPR), node({ resource: 'message', operation: 'sendText', instanceName, number: '={{ $json.number }}', text: '={{ $json.text }}', options: {} })], { ...link('Manual', 'Items'), ...link('Items', 'Evolution') }),
		workflow('benchRead', [manual, code(NUMBER_EXPR), node({ resource: 'chat', operation: 'checkNumbers', instanceName, numbers: '={{ $json.number }}' })], { ...link('Manual', 'Items'), ...link('Items', 'Evolution') }),
	];
}

function theirsWorkflows(): Json[] {
	const node = (parameters: Json) => ({ id: 'b0000000-0000-4000-8000-000000000003', name: 'Evolution', type: 'n8n-nodes-evolution-api.evolutionApi', typeVersion: 1, position: [400, 0], parameters, credentials: credentialRef });
	const loop = { id: 'b0000000-0000-4000-8000-000000000004', name: 'Loop', type: 'n8n-nodes-base.splitInBatches', typeVersion: 3, position: [300, 0], parameters: { batchSize: 1, options: {} } };
	return [
		workflow('benchSend', [manual, code(NUMBER_EXPR), node({ resource: 'messages-api', operation: 'send-text', instanceName: INSTANCE, remoteJid: '={{ $json.number }}', messageText: '={{ $json.text }}', options_message: {} })], {
			...link('Manual', 'Items'),
			...link('Items', 'Evolution'),
		}),
		// Output 1 of Loop Over Items is "loop" (one item at a time), output 0 "done".
		workflow('benchRead', [manual, code(NUMBER_EXPR), loop, node({ resource: 'chat-api', operation: 'check-number', instanceName: INSTANCE, numbers: '={{ $json.number }}' })], {
			...link('Manual', 'Items'),
			...link('Items', 'Loop'),
			...link('Loop', 'Evolution', 1),
			...link('Evolution', 'Loop'),
		}),
	];
}

/** The JSON object `execute --rawOutput` prints after its preamble. */
function parseRun(stdout: string): Json | undefined {
	for (let start = stdout.indexOf('{'); start !== -1; start = stdout.indexOf('\n{', start + 1)) {
		try {
			return JSON.parse(stdout.slice(start, stdout.lastIndexOf('}') + 1)) as Json;
		} catch {
			/* a log line that starts with {; try the next */
		}
		if (stdout.indexOf('\n{', start + 1) === -1) break;
	}
	return undefined;
}

/** Every item of every run of a node, in order ({json, pairedItem}). */
function outputOf(runData: Json, node: string): Json[] {
	return ((runData[node] ?? []) as Json[]).flatMap((r) => (r.data?.main?.[0] ?? []) as Json[]);
}

function check(kind: 'send' | 'read', who: 'ours' | 'theirs', sent: Sent[], output: Json[]): string[] {
	const problems: string[] = [];
	const route = kind === 'send' ? `/message/sendText/${INSTANCE}` : `/chat/whatsappNumbers/${INSTANCE}`;
	const requests = sent.filter((s) => s.path === route);
	if (sent.length !== requests.length) problems.push(`${sent.length - requests.length} requests to other routes`);
	const bad = requests.filter((s) => s.status >= 300).length;
	if (bad) problems.push(`${bad} requests answered ≥ 300`);
	// What reached the sandbox: each expected number exactly once (sent its text, or asked about).
	const seen = new Map<string, string | true>();
	let asked = 0;
	for (const request of requests) {
		if (kind === 'send') seen.set(String(request.body.number).replace(/\D/g, ''), String(request.body.text));
		else for (const number of (request.body.numbers ?? []) as string[]) seen.set(String(number).replace(/\D/g, ''), true);
		asked += kind === 'send' ? 1 : ((request.body.numbers ?? []) as string[]).length;
	}
	let wrong = 0;
	for (let i = 0; i < ITEMS; i++) {
		const got = seen.get(expectedNumber(i));
		if (kind === 'send' ? got !== `bench message ${i}` : got !== true) wrong++;
	}
	if (wrong || seen.size !== ITEMS) problems.push(`${wrong} of ${ITEMS} numbers missing or wrong at the sandbox (${seen.size} distinct)`);
	// One request per text; a read may ask about many items' numbers in one request (ours does), but each once.
	if (kind === 'send' ? requests.length !== ITEMS : asked !== ITEMS) problems.push(`${requests.length} requests asking ${asked} numbers for ${ITEMS} items`);
	// n8n's output: one answer per item, each the sandbox's (ours: the answer itself, linked to its item; theirs: {success, data}).
	const answers = who === 'ours' ? output.map((item) => item.json as Json) : output.map((item) => (item.json?.success ? item.json.data : undefined));
	const flat = kind === 'read' && who === 'theirs' ? answers.flat() : answers;
	const good = flat.filter((a: Json | undefined) => (kind === 'send' ? a?.key?.fromMe === true : a?.exists === true)).length;
	if (good !== ITEMS) problems.push(`${good} of ${ITEMS} correct answers in n8n's output`);
	if (who === 'ours') {
		// Ours links each answer to its item (pairedItem): the i-th output must be item i's number.
		const misplaced = output.filter((item, i) => {
			const number = kind === 'send' ? String(item.json?.key?.remoteJid ?? '').replace(/\D/g, '') : String(item.json?.number ?? '');
			return item.pairedItem?.item !== i || number !== expectedNumber(i);
		}).length;
		if (misplaced || output.length !== ITEMS) problems.push(`${misplaced} of ${output.length} output items not linked to their own item`);
	}
	return problems;
}

const seconds = (ms: number) => (ms / 1000).toFixed(2);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];

async function main(): Promise<void> {
	console.log(`Evolution node benchmark: ${ITEMS} items per workflow, ${PAIRS} interleaved pairs, n8n ${N8N_VERSION}`);
	const load = () => `${loadavg().map((n) => n.toFixed(2)).join(' ')} on ${cpus().length} cores`;
	console.log(`load average before: ${load()}`);
	const marker = join(n8nDir, '.install-complete.json');
	if (!existsSync(marker) || (JSON.parse(readFileSync(marker, 'utf8')) as { version: string }).version !== N8N_VERSION)
		throw new Error(`n8n ${N8N_VERSION} is not installed in ${n8nDir}: run the n8n 1.x e2e once (npx jest test/e2e/n8n1.test.ts), which installs it`);

	const sent: Sent[] = [];
	const app = buildSandbox({ apiKey: API_KEY, maxSendDelayMs: 0, ackDelaysMs: { serverAck: 50, delivery: 100, read: 150, played: 200 } });
	// What reached the sandbox, request by request, with the status it answered.
	app.addHook('onResponse', async (request, reply) => {
		if (request.url.startsWith('/_sandbox')) return;
		sent.push({ path: request.url, body: (request.body ?? {}) as Json, status: reply.statusCode, ms: reply.elapsedTime });
	});
	await app.listen({ port: 0, host: '127.0.0.1' });
	const address = app.server.address();
	const sandboxUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
	const headers = { apikey: API_KEY, 'content-type': 'application/json' };
	const post = (path: string, body: Json) => fetch(`${sandboxUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body) }).then((r) => r.arrayBuffer());
	await post('/instance/create', { instanceName: INSTANCE, integration: 'WHATSAPP-BAILEYS', qrcode: false });
	await fetch(`${sandboxUrl}/instance/connect/${INSTANCE}`, { headers }).then((r) => r.arrayBuffer());
	await post(`/_sandbox/instances/${INSTANCE}/scan`, { number: '5511999990000', profileName: 'Bench' });

	const ours = new N8nFolder();
	const theirs = new N8nFolder();
	try {
		const packed = await installOurs(ours);
		const theirsVersion = await installTheirs(theirs);
		console.log(`A = ours: ${packed.name}@${packed.version} (this checkout, packed); B = theirs: n8n-nodes-evolution-api@${theirsVersion} (npm registry)`);
		await ours.importAll({ id: 'benchCredential01', name: 'Evolution sandbox', type: 'evolutionApi', data: { baseUrl: sandboxUrl, apiKey: API_KEY, defaultInstance: INSTANCE } }, oursWorkflows());
		await theirs.importAll({ id: 'benchCredential01', name: 'Evolution sandbox', type: 'evolutionApi', data: { 'server-url': sandboxUrl, apikey: API_KEY } }, theirsWorkflows());

		const results: Record<string, { workflow: number[]; node: number[]; cpu: number[] }> = {};
		const rows: string[] = [];
		for (const kind of ['send', 'read'] as const) {
			for (let pair = 1; pair <= PAIRS; pair++) {
				for (const [who, folder] of [['ours', ours], ['theirs', theirs]] as const) {
					sent.length = 0;
					const ownCpu = sampleOwnCpu();
					const result = await folder.execute(`bench${kind === 'send' ? 'Send' : 'Read'}`, `${kind}-${who}-${pair}`);
					ownCpu.stop();
					const runOutput = parseRun(result.stdout);
					const error = runOutput?.data?.resultData?.error;
					if (result.code !== 0 || !runOutput || error)
						throw new Error(`${who} ${kind} run ${pair} failed (${result.code}): ${error?.message ?? ''}\n${result.stdout.slice(-1500)}\n${result.stderr.slice(-1500)}`);
					const runData = runOutput.data.resultData.runData as Json;
					const [startedAt, stoppedAt] = [new Date(runOutput.startedAt).getTime(), new Date(runOutput.stoppedAt).getTime()];
					const workflowMs = stoppedAt - startedAt;
					const n8nCpuMs = cpuBetween(result.cpu, startedAt, stoppedAt);
					const sandboxCpuMs = cpuBetween(ownCpu.samples, startedAt, stoppedAt);
					const nodeMs = ((runData.Evolution ?? []) as Json[]).reduce((sum, r) => sum + Number(r.executionTime ?? 0), 0);
					const problems = check(kind, who, sent, outputOf(runData, 'Evolution'));
					if (problems.length) throw new Error(`${who} ${kind} run ${pair}: ${problems.join('; ')}`);
					const key = `${kind} ${who}`;
					const sandboxMs = sent.reduce((sum, request) => sum + request.ms, 0);
					(results[key] ??= { workflow: [], node: [], cpu: [] }).workflow.push(workflowMs);
					results[key].node.push(nodeMs);
					results[key].cpu.push(n8nCpuMs);
					rows.push(
						`| ${kind} | ${pair} | ${who === 'ours' ? 'A ours' : 'B theirs'} | ${seconds(workflowMs)} s | ${seconds(nodeMs)} s | ${seconds(n8nCpuMs)} s | ${seconds(sandboxCpuMs)} s | ${seconds(sandboxMs)} s | ${sent.length} | ${ITEMS}/${ITEMS} | ${loadavg()[0].toFixed(2)} |`,
					);
					console.log(rows[rows.length - 1]);
				}
			}
		}
		console.log(
			'\n| workflow | pair | node | n8n run (stoppedAt − startedAt) | Evolution node executionTime | n8n CPU in the run | sandbox CPU in the run | sandbox answer time (sum) | requests at the sandbox | items correct | load (1 min) |',
		);
		console.log('|---|---|---|---|---|---|---|---|---|---|---|');
		for (const row of rows) console.log(row);
		console.log('\n| workflow | median ours | median theirs | ratio ours/theirs (run) | ratio (node time) | ratio (n8n CPU) | target |');
		console.log('|---|---|---|---|---|---|---|');
		for (const kind of ['send', 'read'] as const) {
			const a = results[`${kind} ours`];
			const b = results[`${kind} theirs`];
			console.log(
				`| ${kind} | ${seconds(median(a.workflow))} s | ${seconds(median(b.workflow))} s | **${(median(a.workflow) / median(b.workflow)).toFixed(2)}×** | ${(median(a.node) / median(b.node)).toFixed(2)}× | ${(median(a.cpu) / median(b.cpu)).toFixed(2)}× | ≤ ${kind === 'send' ? '0.6' : '0.3'}× |`,
			);
		}
		console.log(`\nload average after: ${load()}`);
	} finally {
		ours.dispose();
		theirs.dispose();
		await app.close();
	}
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
