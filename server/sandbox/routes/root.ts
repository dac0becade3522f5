/** GET / and POST /verify-creds. */
import type { RouteDeps } from '../http/route';
import { sendJson } from '../http/route';
import { unauthorized } from '../http/errors';

export const EVOLUTION_VERSION = '2.3.7';

export function registerRootRoutes({ app, world }: RouteDeps): void {
	app.get('/', (_request, reply) =>
		sendJson(reply, 200, {
			status: 200,
			message: 'Welcome to the Evolution API, it is working!',
			version: EVOLUTION_VERSION,
			clientName: 'evolution_exchange',
			manager: `${world.options.serverUrl ?? world.listeningUrl}/manager`,
			documentation: 'https://doc.evolution-api.com',
			whatsappWebVersion: '2.3000.1027934701',
		}),
	);
	app.post('/verify-creds', (request, reply) => {
		if (request.headers.apikey !== world.options.apiKey) throw unauthorized();
		return sendJson(reply, 200, { status: 200, message: 'Credentials are valid' });
	});
}
