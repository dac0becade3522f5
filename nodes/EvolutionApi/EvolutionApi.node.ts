import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { resourceProperty } from '../shared/router';
import * as chat from './actions/chat/Chat.resource';
import * as group from './actions/group/Group.resource';
import * as history from './actions/history/History.resource';
import * as instance from './actions/instance/Instance.resource';
import * as label from './actions/label/Label.resource';
import * as message from './actions/message/Message.resource';
import * as profile from './actions/profile/Profile.resource';
import { router } from './actions/router';
import * as settings from './actions/settings/Settings.resource';
import * as webhook from './actions/webhook/Webhook.resource';
import { evolutionApiConnectionTest } from './methods/credentialTest';
import { searchInstances } from './methods/listSearch';

export class EvolutionApi implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Evolution API',
		name: 'evolutionApi',
		icon: { light: 'file:../../icons/evolution.svg', dark: 'file:../../icons/evolution.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Send and manage WhatsApp messages, chats, groups and instances through the Evolution API',
		defaults: { name: 'Evolution API' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'evolutionApi', required: true, testedBy: 'evolutionApiConnectionTest' }],
		properties: [
			resourceProperty(
				[
					{ name: 'Chat', value: 'chat' },
					{ name: 'Group', value: 'group' },
					{ name: 'History', value: 'history' },
					{ name: 'Instance', value: 'instance' },
					{ name: 'Label', value: 'label' },
					{ name: 'Message', value: 'message' },
					{ name: 'Profile', value: 'profile' },
					{ name: 'Setting', value: 'settings' },
					{ name: 'Webhook', value: 'webhook' },
				],
				'message',
			),
			...instance.description,
			...message.description,
			...chat.description,
			...group.description,
			...profile.description,
			...label.description,
			...webhook.description,
			...settings.description,
			...history.description,
		],
	};

	methods = {
		listSearch: { searchInstances },
		credentialTest: { evolutionApiConnectionTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
