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
/** A ping this often keeps proxies from closing an idle socket and tells a dead one from a quiet one. */
const PING_EVERY_MS = 20_000;
/** No frame at all this long after a ping: the socket is dead without having said so (a half-open connection). */
const PONG_WITHIN_MS = 10_000;

/**
 * The inbox's WebSocket: authenticates with the session token in its first frame, subscribes to the workspace
 * (every conversation's events) and reconnects by itself with a growing, jittered pause. Events missed while
 * offline are not replayed by the server, so every reconnect tells the page to refetch what it shows (catch-up).
 * A socket that dies silently (a laptop waking up, a proxy dropping it without a close) is noticed by its pings going
 * unanswered, and replaced the same way.
 */
export class RealtimeConnection {
	private socket: WebSocket | null = null;
	private attempt = 0;
	private stopped = false;
	private retryTimer: ReturnType<typeof setTimeout> | undefined;
	private pingTimer: ReturnType<typeof setInterval> | undefined;
	private pongTimer: ReturnType<typeof setTimeout> | undefined;
	private everConnected = false;

	constructor(private readonly handlers: RealtimeHandlers) {}

	start(): void {
		this.stopped = false;
		this.connect();
		window.addEventListener('online', this.reconnectNow);
		document.addEventListener('visibilitychange', this.checkWhenVisible);
	}

	stop(): void {
		this.stopped = true;
		clearTimeout(this.retryTimer);
		clearInterval(this.pingTimer);
		clearTimeout(this.pongTimer);
		window.removeEventListener('online', this.reconnectNow);
		document.removeEventListener('visibilitychange', this.checkWhenVisible);
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

	/** Pings and waits for an answer; none in time means the socket is gone, whatever its readyState says. */
	private readonly ping = () => {
		const socket = this.socket;
		if (socket?.readyState !== WebSocket.OPEN || this.pongTimer) return;
		this.send({ type: 'ping' });
		this.pongTimer = setTimeout(() => this.dropped(socket), PONG_WITHIN_MS);
	};

	// A tab coming back (from sleep or the background) checks its socket at once rather than at the next ping.
	private readonly checkWhenVisible = () => {
		if (document.visibilityState === 'visible') this.ping();
	};

	/** Gives a socket up without waiting for its close handshake (a dead socket may never finish it) and reconnects. */
	private dropped(socket: WebSocket): void {
		if (this.socket !== socket) return;
		socket.close();
		this.lost(socket);
	}

	private lost(socket: WebSocket): void {
		// A socket given up earlier closing late: the timers are the current socket's.
		if (this.socket !== socket) return;
		clearInterval(this.pingTimer);
		clearTimeout(this.pongTimer);
		this.pongTimer = undefined;
		this.socket = null;
		if (this.stopped) return;
		this.handlers.onState('offline');
		const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.attempt) * (0.75 + Math.random() * 0.5);
		this.attempt++;
		this.retryTimer = setTimeout(() => this.connect(), delay);
	}

	private readonly reconnectNow = () => {
		if (this.socket?.readyState === WebSocket.OPEN) return;
		clearTimeout(this.retryTimer);
		this.attempt = 0;
		// A socket still trying is replaced; forgotten first, its close is not taken for a new loss.
		const previous = this.socket;
		this.socket = null;
		previous?.close();
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
			if (this.socket !== socket) return;
			// Any frame proves the socket alive, the pong and every event alike.
			clearTimeout(this.pongTimer);
			this.pongTimer = undefined;
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
				this.pingTimer = setInterval(this.ping, PING_EVERY_MS);
			} else if (frame.type === 'event') {
				this.handlers.onEvent(frame as unknown as RealtimeFrame);
			}
		};
		socket.onclose = () => this.lost(socket);
	}
}
