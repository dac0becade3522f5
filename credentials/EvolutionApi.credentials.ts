import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

/**
 * Connection to an Evolution API v2 server. The key may be the server's global key or the token
 * of one instance; Evolution reads it from the `apikey` header only.
 *
 * The credential is tested by the Evolution API node (`testedBy`), because a useful test needs two
 * calls: one that proves the server is an Evolution API and one that proves the key is accepted.
 */
export class EvolutionApi implements ICredentialType {
	name = 'evolutionApi';

	displayName = 'Evolution API';

	icon: Icon = { light: 'file:../icons/evolution.svg', dark: 'file:../icons/evolution.dark.svg' };

	documentationUrl = 'https://doc.evolution-api.com/v2/api-reference/get-information';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. https://evolution.example.com',
			description: 'Root URL of the Evolution API server. A trailing slash is fine.',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'The global API key of the server (AUTHENTICATION_API_KEY) or the token of a single instance. An instance token only works for that instance.',
		},
		{
			displayName: 'Default Instance',
			name: 'defaultInstance',
			type: 'string',
			default: '',
			placeholder: 'e.g. sales',
			description:
				'Instance used by the node when none is chosen. Useful with an instance token.',
		},
		{
			displayName: 'Connection',
			name: 'connection',
			type: 'options',
			options: [
				{
					name: 'Kept Alive (Faster)',
					value: 'keptAlive',
					description:
						"One connection reused for every request of the process; n8n's HTTP client is used instead when a direct connection cannot be opened",
				},
				{
					name: "n8n's HTTP Client",
					value: 'n8nHttpClient',
					description: "A new connection for every request, through n8n's proxy settings (HTTP_PROXY, HTTPS_PROXY, NO_PROXY)",
				},
			],
			default: 'keptAlive',
			description:
				"How the node reaches the server. Choose n8n's HTTP client when n8n must go through a proxy to reach it.",
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				apikey: '={{$credentials.apiKey}}',
			},
		},
	};
}
