/**
 * A short real video for the video scenarios, recorded by Chromium itself (a canvas changing colour, through
 * MediaRecorder): the machine has no encoder, and a fake file would prove nothing about the player. MP4 (what
 * WhatsApp sends) when this Chromium records it, else WebM.
 */
import type { BrowserContext } from 'playwright-core';

export interface RecordedVideo {
	bytes: Buffer;
	mimetype: string;
	width: number;
	height: number;
}

export async function recordVideo(context: BrowserContext, options: { width?: number; height?: number; milliseconds?: number } = {}): Promise<RecordedVideo> {
	const width = options.width ?? 160;
	const height = options.height ?? 120;
	const milliseconds = options.milliseconds ?? 1_500;
	const page = await context.newPage();
	try {
		// A script as text: the tests compile without the DOM's types.
		const recorded = (await page.evaluate(`(async () => {
			const canvas = document.createElement('canvas');
			canvas.width = ${width};
			canvas.height = ${height};
			const paint = canvas.getContext('2d');
			const mimeType = ['video/mp4;codecs=avc1', 'video/webm;codecs=vp8'].find((type) => MediaRecorder.isTypeSupported(type));
			const recorder = new MediaRecorder(canvas.captureStream(15), { mimeType });
			const chunks = [];
			recorder.ondataavailable = (event) => chunks.push(event.data);
			const stopped = new Promise((resolve) => (recorder.onstop = resolve));
			const started = Date.now();
			const draw = () => {
				paint.fillStyle = 'hsl(' + (Date.now() - started) / 4 + ', 70%, 50%)';
				paint.fillRect(0, 0, ${width}, ${height});
			};
			draw();
			recorder.start();
			const timer = setInterval(draw, 50);
			await new Promise((resolve) => setTimeout(resolve, ${milliseconds}));
			clearInterval(timer);
			recorder.stop();
			await stopped;
			const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
			let binary = '';
			for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
			return { base64: btoa(binary), mimetype: mimeType.split(';')[0] };
		})()`)) as { base64: string; mimetype: string };
		return { bytes: Buffer.from(recorded.base64, 'base64'), mimetype: recorded.mimetype, width, height };
	} finally {
		await page.close();
	}
}
