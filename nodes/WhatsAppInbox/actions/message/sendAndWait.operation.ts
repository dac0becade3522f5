import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { readId, segment } from '../../helpers/items';
import { inboxApiRequest } from '../../transport';
import { messageTargetFields, sendToTarget } from './shared';

/** Past the server's own timeout, n8n resumes the execution by itself (the server down, its timeout job lost). */
const N8N_GRACE_MS = 10 * 60_000;

const properties: INodeProperties[] = [
	...messageTargetFields,
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		placeholder: 'e.g. Can we confirm your appointment tomorrow at 10am?',
		description: 'The question; the choices (if any) are added below it, one per line ("1 - Yes")',
	},
	{
		displayName: 'Choices',
		name: 'choices',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Choice',
		default: {},
		description: 'Numbered answers the contact may give; the reply carries the chosen key when it matches a key or a label. Without choices any text is the answer.',
		options: [
			{
				displayName: 'Choice',
				name: 'choice',
				values: [
					{ displayName: 'Key', name: 'key', type: 'string', default: '', placeholder: 'e.g. 1', description: 'What the contact types to pick it' },
					{ displayName: 'Label', name: 'label', type: 'string', default: '', placeholder: 'e.g. Yes', description: 'The choice as shown (also accepted as the answer)' },
				],
			},
		],
	},
	{
		displayName: 'Timeout (Minutes)',
		name: 'timeoutMinutes',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 43200 },
		default: 60,
		description: 'With no reply by then the node goes on with timedOut true and no reply (at most 30 days)',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Show Typing',
				name: 'typing',
				type: 'boolean',
				default: true,
				description: 'Whether to show "typing…" for a moment from the text length before sending',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['message'], operation: ['sendAndWait'] } }, properties);

/** The question with its choices under it, one per line. */
export function questionText(text: string, choices: Array<{ key: string; label: string }>): string {
	if (!choices.length) return text;
	return `${text}\n\n${choices.map((c) => `${c.key} - ${c.label}`).join('\n')}`;
}

/** The address the server POSTs the reply to: n8n's signed resume URL when it has one (n8n 2), else $execution.resumeUrl. */
function resumeUrlOf(context: IExecuteFunctions): string {
	const signed = (context as IExecuteFunctions & { getSignedResumeUrl?: () => string; setSignatureValidationRequired?: () => void });
	if (typeof signed.getSignedResumeUrl === 'function' && typeof signed.setSignatureValidationRequired === 'function') {
		signed.setSignatureValidationRequired();
		return signed.getSignedResumeUrl();
	}
	const base = String(context.evaluateExpression('{{ $execution.resumeUrl }}', 0)).replace(/\/$/, '');
	return `${base}/${encodeURIComponent(context.getNode().id)}`;
}

/**
 * One wait per execution (n8n resumes an execution once), so the first item is sent and waited on, like n8n's own
 * send-and-wait nodes. The reply (or the timeout) comes back through the node's webhook.
 */
export async function executeAll(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const itemIndex = 0;
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const raw = (this.getNodeParameter('choices.choice', itemIndex, []) as Array<{ key?: string; label?: string }>) ?? [];
	const choices = raw.map((c) => ({ key: String(c.key ?? '').trim(), label: String(c.label ?? '').trim() })).filter((c) => c.key || c.label);
	const incomplete = choices.find((c) => !c.key || !c.label);
	if (incomplete) throw new NodeOperationError(this.getNode(), 'Every choice needs a key and a label', { description: 'e.g. key 1, label Yes', itemIndex });
	const timeoutMinutes = Number(this.getNodeParameter('timeoutMinutes', itemIndex, 60));
	if (!Number.isFinite(timeoutMinutes) || timeoutMinutes < 1 || timeoutMinutes > 43200) {
		throw new NodeOperationError(this.getNode(), 'The timeout must be between 1 minute and 30 days', { itemIndex });
	}

	const body: IDataObject = { type: 'text', text: questionText(readId.call(this, 'text', itemIndex, 'Text'), choices) };
	if (options.typing !== undefined) body.typing = options.typing === true;
	// Idempotency per execution: n8n retrying this node never sends the question twice nor opens a second wait.
	const clientId = `n8n-send-and-wait-${this.getExecutionId()}-${this.getNode().id}`;
	body.clientId = clientId;
	const message = await sendToTarget.call(this, body, itemIndex);
	const conversationId = String(message.conversationId);
	const timeoutSeconds = Math.round(timeoutMinutes * 60);
	await inboxApiRequest.call(this, {
		method: 'POST',
		path: `/api/v1/conversations/${segment(conversationId)}/reply-waits`,
		body: { resumeUrl: resumeUrlOf(this), choices, timeoutSeconds, messageId: String(message.id), clientId },
		itemIndex,
	});
	await this.putExecutionToWait(new Date(Date.now() + timeoutSeconds * 1000 + N8N_GRACE_MS));
	return [{ ...this.getInputData()[itemIndex], pairedItem: { item: itemIndex } }];
}

/** The router runs executeAll (every item at once); this is its per-item form for callers that ask for one. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await executeAll.call(this);
}
