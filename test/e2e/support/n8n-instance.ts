/**
 * One real n8n (from the cache) with a private user folder, the packed package in its community-nodes
 * folder, loopback-only settings, free ports, and bounded CLI commands / start / stop.
 */
import { type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { N8nInstall } from './n8n-install';
import { installIntoUserFolder, tempDir, type PackedPackage } from './package-tarball';
import { freePort, runCommand, spawn, stopProcess, trackProcess, waitFor, type CommandResult } from './processes';

export interface ExecuteResult {
	code: number | null;
	/** The run (`IRun`) `execute --rawOutput` printed, if any. */
	run?: {
		status?: string;
		finished?: boolean;
		data: { resultData: { error?: { message?: string; description?: string }; runData: Record<string, RunOfNode[]> } };
	};
	stdout: string;
	stderr: string;
	/** The signal that ended the process, when it did not exit by itself. */
	signal?: NodeJS.Signals | null;
}

export interface RunOfNode {
	executionStatus?: string;
	error?: { message?: string; description?: string };
	data?: { main: Array<Array<{ json: Record<string, unknown>; binary?: Record<string, Record<string, unknown>> }> | null> };
}

export interface ExecutionSummary {
	id: string;
	finished: boolean;
	mode: string;
	status: string;
	workflowId: string;
	data?: ExecuteResult['run'] extends infer R ? (R extends { data: infer D } ? D : never) : never;
}

/** The JSON object `execute --rawOutput` prints after its optional preamble (and possible log lines). */
export function parseRawOutput(stdout: string): ExecuteResult['run'] | undefined {
	const starts: number[] = [];
	if (stdout.startsWith('{')) starts.push(0);
	for (let i = stdout.indexOf('\n{'); i !== -1; i = stdout.indexOf('\n{', i + 1)) starts.push(i + 1);
	for (const start of starts) {
		const end = stdout.lastIndexOf('}');
		try {
			return JSON.parse(stdout.slice(start, end + 1)) as ExecuteResult['run'];
		} catch {
			/* a log line that starts with { ; try the next candidate */
		}
	}
	return undefined;
}

/** The owner setupApiAccess() creates (the editor's sign-in too). */
export const N8N_OWNER = { email: 'owner@example.com', firstName: 'E2E', lastName: 'Owner', password: 'Example-Passw0rd' };

export class N8nInstance {
	readonly userFolder: string;
	readonly port: number;
	readonly url: string;
	private readonly env: NodeJS.ProcessEnv;
	private child?: ChildProcess;
	private logFile: string;
	private apiKey?: string;
	private cookie?: string;
	private readonly browserId = randomBytes(8).toString('hex');

	private constructor(
		readonly install: N8nInstall,
		userFolder: string,
		port: number,
		brokerPort: number,
	) {
		this.userFolder = userFolder;
		this.port = port;
		this.url = `http://127.0.0.1:${port}`;
		this.logFile = join(userFolder, 'n8n.log');
		const env: NodeJS.ProcessEnv = {};
		// Nothing of the calling npm/Jest process leaks in (npm_config_*, NODE_OPTIONS, NODE_ENV=test, …).
		for (const [key, value] of Object.entries(process.env)) {
			if (/^(npm_|N8N_|NODE_OPTIONS$|NODE_ENV$|DB_|WEBHOOK_URL$|JEST_)/.test(key)) continue;
			env[key] = value;
		}
		Object.assign(env, install.env, {
			N8N_USER_FOLDER: userFolder,
			N8N_ENCRYPTION_KEY: randomBytes(24).toString('hex'),
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_DYNAMIC_BANNERS_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
			N8N_AI_ENABLED: 'false',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
			N8N_SECURE_COOKIE: 'false',
			N8N_REINSTALL_MISSING_PACKAGES: 'false',
			N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
			N8N_LOG_OUTPUT: 'console',
			N8N_LOG_LEVEL: 'info',
			NODE_ENV: 'production',
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_PROTOCOL: 'http',
			N8N_PORT: String(port),
			WEBHOOK_URL: `http://127.0.0.1:${port}/`,
			N8N_RUNNERS_BROKER_PORT: String(brokerPort),
			N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
			N8N_BLOCK_ENV_ACCESS_IN_NODE: 'false',
		});
		// n8n 2.x: this module polls api.n8n.io; an unknown module name would be a startup error on 1.x.
		if (existsSync(join(install.dir, 'node_modules', 'n8n', 'dist', 'modules', 'mcp-registry'))) env.N8N_DISABLED_MODULES = 'mcp-registry';
		this.env = env;
	}

	/** A fresh user folder with the packed package installed the way n8n's community installer does. */
	static async create(install: N8nInstall, packed: PackedPackage): Promise<N8nInstance> {
		const userFolder = tempDir(`n8n-e2e-${install.flavor}-`);
		await installIntoUserFolder(packed, userFolder);
		const [port, brokerPort] = [await freePort(), await freePort()];
		return new N8nInstance(install, userFolder, port, brokerPort);
	}

	get version(): string {
		return this.install.version;
	}

	get majorVersion(): number {
		return Number(this.install.version.split('.')[0]);
	}

	/** Runs `n8n <args>` (bounded). CLI commands open the same SQLite database, so run them while n8n is stopped. */
	async cli(args: string[], timeoutMs = 180_000, extraEnv: NodeJS.ProcessEnv = {}): Promise<CommandResult> {
		// Each CLI process may start a task-runner broker; give it its own port.
		const env = { ...this.env, ...extraEnv, N8N_RUNNERS_BROKER_PORT: String(await freePort()) };
		return await runCommand(this.install.nodeBin, [this.install.n8nBin, ...args], { cwd: this.userFolder, env, timeoutMs });
	}

	private async cliOk(args: string[]): Promise<CommandResult> {
		const result = await this.cli(args);
		if (result.code !== 0) throw new Error(`n8n ${args.join(' ')} exited ${result.code}\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`);
		return result;
	}

	/** `import:credentials` with decrypted data (n8n encrypts it with this instance's key). */
	async importCredentials(credentials: object[]): Promise<void> {
		const file = join(this.userFolder, 'credentials.json');
		writeFileSync(file, JSON.stringify(credentials, null, 2));
		await this.cliOk(['import:credentials', `--input=${file}`]);
	}

	/** `import:workflow --separate` of all the given workflows in one CLI run. */
	async importWorkflows(workflows: object[]): Promise<void> {
		const dir = join(this.userFolder, 'workflows-to-import');
		mkdirSync(dir, { recursive: true });
		workflows.forEach((workflow, i) => writeFileSync(join(dir, `${i}.json`), JSON.stringify(workflow, null, 2)));
		await this.cliOk(['import:workflow', '--separate', `--input=${dir}`]);
	}

	/** `execute --id --rawOutput`: the run, also when n8n reports failure (exit code 1). */
	async execute(workflowId: string): Promise<ExecuteResult> {
		const result = await this.cli(['execute', `--id=${workflowId}`, '--rawOutput'], undefined, this.executeEnv());
		return { code: result.code, signal: result.signal, run: parseRawOutput(result.stdout), stdout: result.stdout, stderr: result.stderr };
	}

	/**
	 * n8n 2.x's `execute` ends with `process.exit` without disposing its expression engine, whose default (`vm`, on
	 * isolated-vm) starts a fresh isolate to replace the one the run released. When the exit meets that isolate still
	 * being built, the process dies of SIGSEGV after printing a successful run (core dumps: an isolated-vm thread
	 * allocating in V8 while the main thread runs Node's exit handlers). Seen in 25 of 66 runs of a two-node workflow
	 * on n8n 2.41.1 (2.41.3 exits the same way), and twice in CI; with the `legacy` engine, none. The CLI runs use
	 * `legacy`; `n8n start` (triggers, the Inbox node) keeps n8n's default engine, so our nodes still meet `vm` there.
	 */
	private executeEnv(): NodeJS.ProcessEnv {
		return this.majorVersion >= 2 ? { N8N_EXPRESSION_ENGINE: 'legacy' } : {};
	}

	/** `n8n start`; resolves when the editor URL is announced (after start-up activation). */
	async start(timeoutMs = 180_000): Promise<void> {
		if (this.child) throw new Error('already started');
		const log = createWriteStream(this.logFile, { flags: 'a' });
		const child = spawn(this.install.nodeBin, [this.install.n8nBin, 'start'], {
			cwd: this.userFolder,
			env: this.env,
			detached: true,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		trackProcess(child);
		this.child = child;
		let output = '';
		const onData = (chunk: Buffer) => {
			output += chunk.toString();
			if (output.length > 400_000) output = output.slice(-200_000);
			log.write(chunk);
		};
		child.stdout?.on('data', onData);
		child.stderr?.on('data', onData);
		let exited: string | undefined;
		child.once('exit', (code, signal) => (exited = `n8n exited (${code ?? signal})`));
		await waitFor(
			`n8n ${this.version} to start on ${this.url}`,
			() => {
				if (exited) throw new Error(`${exited}\n${output.slice(-4000)}`);
				return /Editor is now accessible via/.test(output) ? true : undefined;
			},
			timeoutMs,
			200,
		).catch(async (error: unknown) => {
			await this.stop();
			throw new Error(`${String(error)}\n--- n8n output ---\n${output.slice(-4000)}`);
		});
	}

	/** The n8n process log so far (for assertion messages). */
	log(): string {
		return existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8') : '';
	}

	async stop(): Promise<void> {
		const child = this.child;
		this.child = undefined;
		this.cookie = undefined;
		if (child) await stopProcess(child, 15_000);
	}

	async dispose(): Promise<void> {
		await this.stop();
		rmSync(this.userFolder, { recursive: true, force: true });
	}

	private async rest(method: string, path: string, body?: unknown): Promise<{ status: number; json: any; headers: Headers }> {
		const response = await fetch(`${this.url}${path}`, {
			method,
			headers: {
				'content-type': 'application/json',
				'browser-id': this.browserId,
				...(this.cookie ? { cookie: this.cookie } : {}),
				...(this.apiKey && path.startsWith('/api/') ? { 'X-N8N-API-KEY': this.apiKey } : {}),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(60_000),
		});
		const text = await response.text();
		let json: any = text;
		try {
			json = text === '' ? undefined : JSON.parse(text);
		} catch {
			/* not JSON */
		}
		return { status: response.status, json, headers: response.headers };
	}

	/** Creates the owner, logs in, and creates a public-API key with every scope offered. */
	async setupApiAccess(): Promise<void> {
		const setup = await this.rest('POST', '/rest/owner/setup', N8N_OWNER);
		if (setup.status !== 200) throw new Error(`owner setup: ${setup.status} ${JSON.stringify(setup.json)}`);
		const cookie = (setup.headers.get('set-cookie') ?? '').split(';')[0];
		if (!cookie.startsWith('n8n-auth=')) throw new Error(`no n8n-auth cookie after owner setup: ${setup.headers.get('set-cookie')}`);
		this.cookie = cookie;
		const scopes = await this.rest('GET', '/rest/api-keys/scopes');
		if (scopes.status !== 200) throw new Error(`api-key scopes: ${scopes.status} ${JSON.stringify(scopes.json)}`);
		const created = await this.rest('POST', '/rest/api-keys', { label: 'e2e', expiresAt: null, scopes: scopes.json.data });
		if (created.status !== 200) throw new Error(`api key: ${created.status} ${JSON.stringify(created.json)}`);
		this.apiKey = created.json.data.rawApiKey as string;
	}

	/** The public API (`/api/v1/...`) with the API key. */
	async api(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
		if (!this.apiKey) throw new Error('call setupApiAccess() first');
		const { status, json } = await this.rest(method, `/api/v1${path}`, body);
		return { status, json };
	}

	async activate(workflowId: string): Promise<{ status: number; json: any }> {
		return await this.api('POST', `/workflows/${workflowId}/activate`);
	}

	async deactivate(workflowId: string): Promise<{ status: number; json: any }> {
		return await this.api('POST', `/workflows/${workflowId}/deactivate`);
	}

	/** Executions of a workflow with their data, oldest first. */
	async executions(workflowId: string): Promise<ExecutionSummary[]> {
		const { status, json } = await this.api('GET', `/executions?workflowId=${workflowId}&includeData=true&limit=250`);
		if (status !== 200) throw new Error(`executions: ${status} ${JSON.stringify(json)}`);
		return (json.data as ExecutionSummary[]).sort((a, b) => Number(a.id) - Number(b.id));
	}

	/**
	 * "Listen for test event" in the editor: a manual run from the trigger, which registers the test
	 * webhooks (`/webhook-test/...`) and calls the node's `create` with the test URL.
	 */
	async listenForTestEvent(workflowId: string, triggerName: string): Promise<{ status: number; json: any }> {
		const workflow = await this.rest('GET', `/rest/workflows/${workflowId}`);
		if (workflow.status !== 200) throw new Error(`GET workflow ${workflowId}: ${workflow.status} ${JSON.stringify(workflow.json)}`);
		const { status, json } = await this.rest('POST', `/rest/workflows/${workflowId}/run`, {
			workflowData: workflow.json.data,
			triggerToStartFrom: { name: triggerName },
		});
		return { status, json };
	}

	/** The binary file of an execution (works for every binary data mode). */
	async binary(binaryDataId: string): Promise<Buffer> {
		const response = await fetch(`${this.url}/rest/binary-data?id=${encodeURIComponent(binaryDataId)}&action=download`, {
			headers: { cookie: this.cookie ?? '', 'browser-id': this.browserId },
			signal: AbortSignal.timeout(30_000),
		});
		if (response.status !== 200) throw new Error(`binary-data ${binaryDataId}: ${response.status} ${await response.text()}`);
		return Buffer.from(await response.arrayBuffer());
	}
}
