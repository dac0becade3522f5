import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * WhatsApp voice notes are Opus; Chromium records Opus in WebM, Firefox in OGG. Either goes up as it is: the outbox
 * sends it with Evolution's sendWhatsAppAudio, which converts it to the OGG/Opus voice note WhatsApp plays.
 */
const PREFERRED_TYPES = ['audio/ogg;codecs=opus', 'audio/webm;codecs=opus', 'audio/webm'];

function recorderType(): string | undefined {
	return PREFERRED_TYPES.find((type) => MediaRecorder.isTypeSupported(type));
}

const elapsedText = (seconds: number) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;

interface Recording {
	recorder: MediaRecorder;
	stream: MediaStream;
	chunks: Blob[];
	startedAt: number;
}

/**
 * The microphone button of the composer: records in the browser (MediaRecorder) and hands the note over as a file
 * with its duration, to go out as a voice note. Cancel throws the recording away; the microphone is released either way.
 */
export function VoiceRecorder({ onRecorded, disabled }: { onRecorded: (file: File, durationSeconds: number) => void; disabled?: boolean }) {
	const { t } = useTranslation();
	const recording = useRef<Recording | null>(null);
	const [active, setActive] = useState(false);
	const [seconds, setSeconds] = useState(0);
	const [error, setError] = useState<string | null>(null);

	useEffect(() => {
		if (!active) return;
		const timer = setInterval(() => {
			if (recording.current) setSeconds(Math.floor((Date.now() - recording.current.startedAt) / 1000));
		}, 250);
		return () => clearInterval(timer);
	}, [active]);

	// Leaving the conversation mid-recording releases the microphone.
	useEffect(() => () => finish(false), []);

	function finish(keep: boolean) {
		const current = recording.current;
		if (!current) return;
		recording.current = null;
		setActive(false);
		current.recorder.onstop = () => {
			current.stream.getTracks().forEach((track) => track.stop());
			if (!keep) return;
			const type = (current.recorder.mimeType || 'audio/webm').split(';')[0];
			const blob = new Blob(current.chunks, { type });
			const extension = type === 'audio/ogg' ? 'ogg' : 'webm';
			const durationSeconds = Math.max(1, Math.round((Date.now() - current.startedAt) / 1000));
			if (blob.size > 0) onRecorded(new File([blob], `${t('composer.voiceFileName')}-${new Date().toISOString().replace(/[:.]/g, '-')}.${extension}`, { type }), durationSeconds);
		};
		if (current.recorder.state !== 'inactive') current.recorder.stop();
		else current.stream.getTracks().forEach((track) => track.stop());
	}

	async function start() {
		setError(null);
		if (typeof MediaRecorder === 'undefined' || !navigator.mediaDevices?.getUserMedia) {
			setError(t('composer.voiceUnsupported'));
			return;
		}
		let stream: MediaStream;
		try {
			stream = await navigator.mediaDevices.getUserMedia({ audio: true });
		} catch {
			setError(t('composer.voiceDenied'));
			return;
		}
		const mimeType = recorderType();
		const recorder = new MediaRecorder(stream, mimeType ? { mimeType } : undefined);
		const chunks: Blob[] = [];
		recorder.ondataavailable = (event) => {
			if (event.data.size > 0) chunks.push(event.data);
		};
		recording.current = { recorder, stream, chunks, startedAt: Date.now() };
		recorder.start(250);
		setSeconds(0);
		setActive(true);
	}

	if (active) {
		return (
			<div className="voice-recording" role="group" aria-label={t('composer.recording')}>
				<span className="rec-dot" aria-hidden="true" />
				<span role="timer" aria-label={t('composer.recordingFor', { time: elapsedText(seconds) })}>
					{elapsedText(seconds)}
				</span>
				<button type="button" onClick={() => finish(false)}>
					{t('composer.cancelRecording')}
				</button>
				<button type="button" className="primary" onClick={() => finish(true)}>
					{t('composer.sendVoice')}
				</button>
			</div>
		);
	}
	return (
		<>
			<button type="button" className="icon-button" aria-label={t('composer.record')} title={t('composer.record')} disabled={disabled} onClick={() => void start()}>
				🎤
			</button>
			{error && (
				<p role="alert" className="form-error voice-error">
					{error}
				</p>
			)}
		</>
	);
}
