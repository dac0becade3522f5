import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { resourceProperty } from '../shared/router';
import * as ai from './actions/ai/Ai.resource';
import * as channel from './actions/channel/Channel.resource';
import * as contact from './actions/contact/Contact.resource';
import * as conversation from './actions/conversation/Conversation.resource';
import * as lead from './actions/lead/Lead.resource';
import * as message from './actions/message/Message.resource';
import { sendAndWaitWebhook, sendAndWaitWebhooks } from './actions/message/sendAndWait.webhook';
import { router } from './actions/router';
import { whatsAppInboxApiTest } from './methods/credentialTest';
import { searchAttendants, searchChannels, searchConversations } from './methods/listSearch';
import { getAttendants, getChannels } from './methods/loadOptions';

/**
 * The WhatsApp Inbox companion server from n8n: leads, contacts, conversations, sends through its outbox (pacing,
 * retries, opt-out) and channels. The server owns the Evolution instances; this node never talks to Evolution.
 */
export class WhatsAppInbox implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp Inbox',
		name: 'whatsAppInbox',
		icon: { light: 'file:../../icons/whatsapp-inbox.svg', dark: 'file:../../icons/whatsapp-inbox.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Manage leads, conversations, sends and the AI auto-reply of the WhatsApp Inbox server',
		defaults: { name: 'WhatsApp Inbox' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'whatsAppInboxApi', required: true, testedBy: 'whatsAppInboxApiTest' }],
		// Send and Wait for Reply resumes through this (n8n's wait/resume mechanism).
		webhooks: sendAndWaitWebhooks,
		properties: [
			resourceProperty(
				[
					{ name: 'AI', value: 'ai' },
					{ name: 'Channel', value: 'channel' },
					{ name: 'Contact', value: 'contact' },
					{ name: 'Conversation', value: 'conversation' },
					{ name: 'Lead', value: 'lead' },
					{ name: 'Message', value: 'message' },
				],
				'lead',
			),
			...ai.description,
			...channel.description,
			...contact.description,
			...conversation.description,
			...lead.description,
			...message.description,
		],
	};

	methods = {
		listSearch: { searchAttendants, searchChannels, searchConversations },
		loadOptions: { getAttendants, getChannels },
		credentialTest: { whatsAppInboxApiTest },
	};

	webhook = sendAndWaitWebhook;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
