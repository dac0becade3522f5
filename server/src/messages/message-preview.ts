import type { IncomingMessage } from '../providers/provider-events';

const LABELS: Record<string, string> = {
	image: '📷 Photo',
	video: '🎥 Video',
	audio: '🎤 Audio',
	document: '📄 Document',
	sticker: 'Sticker',
	location: '📍 Location',
	contact: '👤 Contact',
	poll: '📊 Poll',
	unknown: 'Message',
};

/** The line under a conversation whose newest message was deleted for everyone (its text is not shown any more). */
export const DELETED_MESSAGE_PREVIEW = '🚫 This message was deleted';

/** The one line shown under a conversation in the list. */
export function messagePreview(message: Pick<IncomingMessage, 'type' | 'body'>): string {
	const text = message.body?.trim();
	const label = LABELS[message.type];
	const line = message.type === 'text' ? text ?? '' : text ? `${label}: ${text}` : label ?? '';
	return line.length > 140 ? `${line.slice(0, 139)}…` : line;
}
