import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Message } from '../../lib/api-types';
import { useMediaUrl } from './media-api';

const fileSize = (bytes: number | null) => (bytes === null ? '' : bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`);

/**
 * A message's file, as WhatsApp Web shows it: photos in place (click to enlarge), stickers at their size, the audio player
 * for voice notes and audio, video with its controls, documents with their name, size and a download. The file
 * name is text, never markup. While the bytes are not in (a local preview of our own send, or WhatsApp's file
 * still on its way) a labelled placeholder stands in.
 */
export function MediaView({ message, localUrl }: { message: Message; localUrl?: string }) {
	const { t } = useTranslation();
	const stored = useMediaUrl(localUrl ? null : message.media?.id);
	const url = localUrl ?? stored.url;
	const [enlarged, setEnlarged] = useState(false);
	// Received audio says whether it is a voice note; the outbox sends every audio of ours as one (sendWhatsAppAudio).
	const voiceNote = message.type === 'ptt' || (message.type === 'audio' && (message.details?.voiceNote === true || (message.fromMe && message.details?.voiceNote === undefined)));
	const label = t(`media.${voiceNote ? 'voice' : message.type}`);
	const fileName = message.media?.fileName ?? null;

	if (message.type === 'document') {
		return (
			<span className="media document">
				<span className="document-icon" aria-hidden="true">
					📄
				</span>
				<span className="document-name">{fileName ?? t('media.document')}</span>
				<span className="document-size">{fileSize(message.media?.sizeBytes ?? null)}</span>
				{url ? (
					<a className="download" href={url} download={fileName ?? 'documento'} aria-label={t('media.download', { name: fileName ?? t('media.document') })}>
						⬇
					</a>
				) : (
					<MediaState loading={stored.loading} unavailable={stored.unavailable} />
				)}
			</span>
		);
	}
	if (!url) {
		return (
			<span className="media-placeholder">
				{label}
				{fileName ? `: ${fileName}` : ''} <MediaState loading={stored.loading} unavailable={stored.unavailable} />
			</span>
		);
	}
	// A sticker stands on its own, at its size, as on the phone (nothing to enlarge).
	if (message.type === 'sticker') return <img className="media sticker" src={url} alt={label} />;
	if (message.type === 'image') {
		return (
			<>
				<button type="button" className="media-thumb" aria-label={t('media.enlarge')} onClick={() => setEnlarged(true)}>
					<img src={url} alt={message.body ?? label} />
				</button>
				{enlarged && (
					<div className="lightbox" role="dialog" aria-modal="true" aria-label={label} onClick={() => setEnlarged(false)}>
						<img src={url} alt={message.body ?? label} />
						<button type="button" autoFocus onClick={() => setEnlarged(false)}>
							{t('media.close')}
						</button>
					</div>
				)}
			</>
		);
	}
	if (message.type === 'audio' || message.type === 'ptt') {
		return <audio className="media audio" controls src={url} aria-label={label} preload="metadata" />;
	}
	if (message.type === 'video') {
		return <video className="media video" controls src={url} aria-label={label} preload="metadata" />;
	}
	return <span className="media-placeholder">{label}</span>;
}

function MediaState({ loading, unavailable }: { loading: boolean; unavailable: boolean }) {
	const { t } = useTranslation();
	if (unavailable) return <span className="media-state">{t('media.unavailable')}</span>;
	if (loading) return <span className="media-state">{t('media.loading')}</span>;
	return null;
}
