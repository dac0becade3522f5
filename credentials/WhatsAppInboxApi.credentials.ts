import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

/**
 * Connection to the WhatsApp Inbox companion server (server/ in this repository): its address and an API token
 * (`wit_…`) made by a workspace admin with POST /api/v1/api-tokens. The server reads the token
 * from `Authorization: Bearer <token>` on every /api/ request.
 *
 * The credential is tested by the WhatsApp Inbox node (`testedBy`), because a useful test needs two calls: one that
 * proves the address is a WhatsApp Inbox server and one that proves the token is accepted with the needed scope.
 */
export class WhatsAppInboxApi implements ICredentialType {
	name = 'whatsAppInboxApi';

	displayName = 'WhatsApp Inbox API';

	icon: Icon = { light: 'file:../icons/whatsapp-inbox.svg', dark: 'file:../icons/whatsapp-inbox.dark.svg' };

	documentationUrl = 'https://github.com/evolution-whatsapp/n8n-nodes-evolution-whatsapp#whatsapp-inbox-credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Server URL',
			name: 'serverUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. https://inbox.example.com',
			description: 'Root address of the WhatsApp Inbox server (the PUBLIC_URL it prints at start-up). A trailing slash is fine.',
		},
		{
			displayName: 'API Token',
			name: 'apiToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: 'e.g. wit_…',
			description: 'An API token of the workspace (starts with wit_), created by a workspace admin with POST /api/v1/api-tokens',
		},
		{
			displayName: 'Admin Access',
			name: 'requireAdmin',
			type: 'boolean',
			default: false,
			description:
				'Whether this credential must manage channels and webhook subscriptions: then the token needs the admin scope, and the credential test fails without it',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiToken}}',
			},
		},
	};
}
