/**
 * `npm run phone -- <command>`: the sandbox's phone and customers, for trying the inbox without a phone (phone.ts).
 *   scan [--instance <name>] [--number <digits>]      the phone reads the QR: the channel turns "Conectado"
 *   say <text> [--from <digits>] [--name <name>] [--instance <name>]   a customer writes to the connected number
 *   list                                               the sandbox's instances and their states
 */
import { parseArgs } from 'node:util';
import { customerSays, findSandbox, listInstances, scan } from './phone';

const USAGE = `Usage:
  npm run phone -- scan [--instance <name>] [--number <digits>]
  npm run phone -- say "<text>" [--from <digits>] [--name "<name>"] [--instance <name>]
  npm run phone -- list
The sandbox is found at SANDBOX_URL, else where \`npm start\` saved it (DATA_DIR/sandbox/address.json), else port 8080;
its key is SANDBOX_API_KEY (default sandbox-api-key).`;

async function main(argv: string[]): Promise<number> {
	const { positionals, values } = parseArgs({
		args: argv,
		allowPositionals: true,
		options: { instance: { type: 'string' }, number: { type: 'string' }, from: { type: 'string' }, name: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
	});
	const [command, ...rest] = positionals;
	if (values.help || !command) {
		console.log(USAGE);
		return command || values.help ? 0 : 2;
	}
	const target = findSandbox(process.env, process.cwd());
	if (command === 'list') {
		const instances = await listInstances(target);
		if (!instances.length) console.log(`The sandbox at ${target.url} has no instances yet.`);
		for (const i of instances) console.log(`${i.name}\t${i.state}${i.wuid ? `\t+${i.wuid.split('@')[0]}` : ''}`);
		return 0;
	}
	if (command === 'scan') {
		for (const i of await scan(target, { instance: values.instance, number: values.number })) {
			console.log(`${i.name}: QR read by +${i.wuid?.split('@')[0] ?? '?'} (${i.state}). The channel turns "Conectado" in the inbox.`);
		}
		return 0;
	}
	if (command === 'say') {
		const text = rest.join(' ').trim();
		if (!text) {
			console.error('What should the customer write? npm run phone -- say "Oi! Vocês abrem sábado?"');
			return 2;
		}
		const sent = await customerSays(target, text, { instance: values.instance, from: values.from, name: values.name });
		console.log(`+${sent.from} wrote to ${sent.instance} (message ${sent.id}). It shows in the inbox now.`);
		return 0;
	}
	console.error(`Unknown command "${command}".\n${USAGE}`);
	return 2;
}

main(process.argv.slice(2)).then(
	(code) => {
		process.exitCode = code;
	},
	(error: unknown) => {
		console.error(error instanceof Error ? error.message : String(error));
		process.exitCode = 1;
	},
);
