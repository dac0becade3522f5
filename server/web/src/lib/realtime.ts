import { readSession } from './session';

/** One event as /realtime sends it (server/src/realtime/realtime-hub.ts). */
export interface RealtimeFrame {
	type: 'event';
	channel: string;
	event: string;
	conversationId?: string;
	data: Record<string, unknown>;
	at: number;
}

export type ConnectionState = 'connecting' | 'live' | 'offline';

export interface RealtimeHandlers {
	onEvent(frame: RealtimeFrame): void;
	/** The socket is (back) up and subscribed: whatever happened while it was down must be fetched again. */
	onCatchUp(): void;
	onState(state: ConnectionState): void;
}

const MAX_BACKOFF_MS = 15_000;

/**
 * The inbox's WebSocket: authenticates with the session token in its first frame, subscribes to the workspace
 * (every conversation's events) and reconnects by itself with a growing, jittered pause. Events missed while
 * offline are not replayed by the server, so every reconnect tells the page to refetch what it shows (catch-up).
 */
export class RealtimeConnection {
	private socket: WebSocket | null = null;
	private attempt = 0;
	private stopped = false;
	private retryTimer: ReturnType<typeof setTimeout> | undefined;
	private pingTimer: ReturnType<typeof setInterval> | undefined;
	private everConnected = false;

	constructor(private readonly handlers: RealtimeHandlers) {}

	start(): void {
		this.stopped = false;
		this.connect();
		window.addEventListener('online', this.reconnectNow);
	}

	stop(): void {
		this.stopped = true;
		clearTimeout(this.retryTimer);
		clearInterval(this.pingTimer);
		window.removeEventListener('online', this.reconnectNow);
		this.socket?.close();
		this.socket = null;
	}

	/** Tells the other attendants this one is typing (the server turns it off after 30 s on its own). */
	typing(conversationId: string, on: boolean, isPrivate: boolean): void {
		this.send({ type: 'typing', conversationId, on, isPrivate });
	}

	private send(frame: Record<string, unknown>): void {
		if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
	}

	private readonly reconnectNow = () => {
		if (this.socket?.readyState === WebSocket.OPEN) return;
		clearTimeout(this.retryTimer);
		this.attempt = 0;
		this.connect();
	};

	private connect(): void {
		const session = readSession();
		if (this.stopped || !session) return;
		this.handlers.onState('connecting');
		const url = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/realtime`;
		const socket = new WebSocket(url);
		this.socket = socket;
		socket.onopen = () => {
			socket.send(JSON.stringify({ type: 'auth', token: session.token }));
			socket.send(JSON.stringify({ type: 'subscribe', channel: 'workspace' }));
		};
		socket.onmessage = (message) => {
			let frame: { type?: string };
			try {
				frame = JSON.parse(String(message.data));
			} catch {
				return;
			}
			if (frame.type === 'subscribed') {
				this.attempt = 0;
				this.handlers.onState('live');
				// The first connection has nothing to catch up on; every later one does.
				if (this.everConnected) this.handlers.onCatchUp();
				this.everConnected = true;
				clearInterval(this.pingTimer);
				this.pingTimer = setInterval(() => this.send({ type: 'ping' }), 25_000);
			} else if (frame.type === 'event') {
				this.handlers.onEvent(frame as unknown as RealtimeFrame);
			}
		};
		socket.onclose = () => {
			clearInterval(this.pingTimer);
			if (this.socket !== socket) return;
			this.socket = null;
			if (this.stopped) return;
			this.handlers.onState('offline');
			const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.attempt) * (0.75 + Math.random() * 0.5);
			this.attempt++;
			this.retryTimer = setTimeout(() => this.connect(), delay);
		};
	}
}
