import WebSocket from 'ws';
import { eventually } from './inbox-app';

export interface Frame {
	type: string;
	[key: string]: any;
}

/** A test client of /realtime that records every frame it receives. */
export interface TestSocket {
	frames: Frame[];
	closeCode: Promise<number>;
	send(frame: Record<string, unknown>): void;
	/** Waits for a frame matching `match` (polling, with a deadline). */
	waitFor(match: (frame: Frame) => boolean, timeoutMs?: number): Promise<Frame>;
	events(name: string): Frame[];
	close(): void;
}

export async function openSocket(baseUrl: string, options: { authorization?: string } = {}): Promise<TestSocket> {
	const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/realtime`, { headers: options.authorization ? { authorization: options.authorization } : {} });
	const frames: Frame[] = [];
	socket.on('message', (data) => frames.push(JSON.parse(data.toString())));
	const closeCode = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
	await new Promise<void>((resolve, reject) => {
		socket.once('open', () => resolve());
		socket.once('error', reject);
	});
	return {
		frames,
		closeCode,
		send: (frame) => socket.send(JSON.stringify(frame)),
		waitFor: (match, timeoutMs = 10_000) =>
			eventually(() => {
				const found = frames.find(match);
				if (!found) throw new Error(`no matching frame yet; got ${JSON.stringify(frames.map((f) => f.event ?? f.type))}`);
				return found;
			}, timeoutMs),
		events: (name) => frames.filter((f) => f.type === 'event' && f.event === name),
		close: () => socket.close(),
	};
}

/** Opens a socket authenticated by header and subscribed to the given channels. */
export async function subscribedSocket(baseUrl: string, authorization: string, channels: string[]): Promise<TestSocket> {
	const socket = await openSocket(baseUrl, { authorization });
	await socket.waitFor((f) => f.type === 'ready');
	for (const channel of channels) {
		socket.send({ type: 'subscribe', channel });
		await socket.waitFor((f) => f.type === 'subscribed' && (f.channel === channel || channel === 'workspace'));
	}
	return socket;
}
