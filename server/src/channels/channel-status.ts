/**
 * The one state machine of a channel, shared by ingest, the QR and health jobs, the outbox and the API:
 *
 *   created ──connect──▶ connecting ──open──▶ connected ──drop──▶ disconnected ──open──▶ connected
 *                           │                    │                    │
 *                           ├─ 3 min ─▶ expired  ├─ 401 ─▶ logged_out ├─ reconnect fails ─▶ error
 *                           └─ QR limit ─▶ expired                    └─ 401 ─▶ logged_out
 *
 * Provider events arrive out of order (Evolution fires them without waiting, and retries failures for minutes), so
 * `decideProviderTransition` is a pure function of the stored state and one event: a late QR never undoes a
 * connection, an `open` older than a logout never revives the channel, and the three deliveries of one logout
 * (connection.update close 401, status.instance closed, logout.instance) are handled once.
 */

export const CHANNEL_STATUSES = ['created', 'connecting', 'connected', 'disconnected', 'logged_out', 'expired', 'error'] as const;
export type ChannelStatus = (typeof CHANNEL_STATUSES)[number];

/** Why a channel is in its state: machine-readable, with a pt-BR / English sentence for people (channelStatusMessage). */
export const CHANNEL_STATUS_REASONS = [
	'instance_created',
	'instance_attached',
	'qr_requested',
	'pairing_requested',
	'qr_issued',
	'paired',
	'reconnected',
	'connection_lost',
	'logged_out',
	'qr_expired',
	'qr_limit',
	'forbidden',
	'closed_by_provider',
	'reconnecting',
	'reconnect_failed',
	'restarting',
	'instance_missing',
	'provider_error',
] as const;
export type ChannelStatusReason = (typeof CHANNEL_STATUS_REASONS)[number];

/** What WhatsApp's Boom codes mean when Evolution gives up (CONTRACT §3.3): only these close without reconnecting. */
const LOGGED_OUT_CODE = 401;

/** The stored facts the decision needs (see migration 0040). Provider times are Evolution's clock, compared only among themselves. */
export interface ChannelStateSnapshot {
	status: ChannelStatus;
	providerEventAt: Date | null;
	providerOpenAt: Date | null;
	providerLogoutAt: Date | null;
}

/** A connection fact from the provider, normalised: `close` with code 401 is a logout, whichever event said it. */
export type ProviderSignal =
	| { kind: 'qr'; at?: Date }
	| { kind: 'open'; at?: Date }
	| { kind: 'connecting'; at?: Date }
	| { kind: 'close'; code?: number; at?: Date }
	| { kind: 'refused'; at?: Date };

export type ProviderDecision =
	/** `status` unchanged with `qr: true` means: store the new QR, nothing else. */
	| { apply: true; status: ChannelStatus; reason: ChannelStatusReason | null; qr?: boolean; logout?: boolean; open?: boolean }
	| { apply: false; why: string; logout?: boolean };

// The deliveries of one logout come within milliseconds of each other; anything this close after a handled logout,
// with no connection in between, is the same logout.
const SAME_LOGOUT_WINDOW_MS = 60_000;

const older = (at: Date | undefined, than: Date | null) => !!at && !!than && at.getTime() < than.getTime();

export function isLogout(signal: ProviderSignal): boolean {
	return signal.kind === 'close' && signal.code === LOGGED_OUT_CODE;
}

export function decideProviderTransition(state: ChannelStateSnapshot, signal: ProviderSignal): ProviderDecision {
	const { status } = state;
	if (isLogout(signal)) return decideLogout(state, signal.at);
	if (older(signal.at, state.providerEventAt)) return { apply: false, why: 'older than the last applied event' };

	switch (signal.kind) {
		case 'qr':
			// Only a channel that is pairing takes a QR; a late one after open (or after logout/expiry) changes nothing.
			if (status === 'connected') return { apply: false, why: 'late QR: the channel is already connected' };
			if (status === 'logged_out' || status === 'expired') return { apply: false, why: `QR while ${status}: pairing was not requested again` };
			return { apply: true, status: 'connecting', reason: status === 'connecting' ? null : 'qr_issued', qr: true };
		case 'open':
			if (older(signal.at, state.providerLogoutAt) || (signal.at && state.providerLogoutAt && signal.at.getTime() === state.providerLogoutAt.getTime()))
				return { apply: false, why: 'open older than the last logout' };
			if (status === 'connected') return { apply: true, status, reason: null, open: true };
			return { apply: true, status: 'connected', reason: status === 'connecting' || status === 'created' || status === 'expired' ? 'paired' : 'reconnected', open: true };
		case 'connecting':
			// Evolution reconnects by itself after a drop, emitting only `connecting` (offline: many per second).
			if (status === 'connected') return { apply: true, status: 'disconnected', reason: 'connection_lost' };
			if (status === 'created') return { apply: true, status: 'connecting', reason: 'qr_requested' };
			return { apply: false, why: `connecting while ${status}` };
		case 'refused':
			if (status === 'connecting' || status === 'created') return { apply: true, status: 'expired', reason: 'qr_limit' };
			return { apply: false, why: `QR limit while ${status}` };
		case 'close':
			// Codes other than 401 that Evolution does not reconnect from (403 forbidden, 402, 406): someone must look.
			if (status === 'logged_out' || status === 'expired' || status === 'created') return { apply: false, why: `close while ${status}` };
			return { apply: true, status: 'error', reason: signal.code === 403 ? 'forbidden' : 'closed_by_provider' };
	}
}

function decideLogout(state: ChannelStateSnapshot, at: Date | undefined): ProviderDecision {
	const { status } = state;
	// `logout: true` on every answer: the logout time is remembered even when ignored, so its other deliveries are known.
	if (status === 'logged_out') return { apply: false, why: 'logout already handled', logout: true };
	// Pairing (connecting) has no session to log out yet: it is our own logout of an abandoned QR, or a stale echo.
	if (status === 'created' || status === 'expired' || status === 'connecting') return { apply: false, why: `logout while ${status}: no session`, logout: true };
	if (older(at, state.providerOpenAt)) return { apply: false, why: 'logout older than the last connection', logout: true };
	const openedSinceLogout = !state.providerLogoutAt || (!!state.providerOpenAt && state.providerOpenAt > state.providerLogoutAt);
	if (!openedSinceLogout) {
		const sameLogout = !at || at.getTime() - state.providerLogoutAt!.getTime() <= SAME_LOGOUT_WINDOW_MS;
		if (sameLogout) return { apply: false, why: 'an earlier delivery of a logout already handled', logout: true };
	}
	return { apply: true, status: 'logged_out', reason: 'logged_out', logout: true };
}

/** Only a connected channel can send; the outbox holds (not fails) messages while it is anything else. */
export function isSendableStatus(status: string): boolean {
	return status === 'connected';
}

/** The states the health monitor watches: it never loops on a channel that needs a person (new QR, expired, created). */
export function isMonitoredStatus(status: string): boolean {
	return status === 'connected' || status === 'disconnected' || status === 'error';
}

/** A person has to scan a QR (or type a pairing code) before this channel can work again. */
export function needsPairing(status: string): boolean {
	return status === 'created' || status === 'logged_out' || status === 'expired';
}

const MESSAGES: Record<ChannelStatusReason, [pt: string, en: string]> = {
	instance_created: ['Instância criada — conecte o número', 'Instance created — connect the number'],
	instance_attached: ['Instância vinculada', 'Instance attached'],
	qr_requested: ['Aguardando leitura do QR', 'Waiting for the QR to be scanned'],
	pairing_requested: ['Aguardando o código de pareamento', 'Waiting for the pairing code'],
	qr_issued: ['Aguardando leitura do QR', 'Waiting for the QR to be scanned'],
	paired: ['Conectado', 'Connected'],
	reconnected: ['Reconectado', 'Reconnected'],
	connection_lost: ['Conexão perdida — reconectando', 'Connection lost — reconnecting'],
	// From the phone or by an admin (POST …/logout): the same state, the same way back.
	logged_out: ['Sessão encerrada no WhatsApp — conecte de novo com um novo QR', 'Logged out of WhatsApp — connect again with a new QR'],
	qr_expired: ['QR expirado — tente de novo', 'QR expired — try again'],
	qr_limit: ['Limite de QRs atingido — tente de novo', 'QR limit reached — try again'],
	forbidden: ['O WhatsApp recusou este número (403)', 'WhatsApp refused this number (403)'],
	closed_by_provider: ['A conexão foi encerrada pelo WhatsApp', 'WhatsApp closed the connection'],
	reconnecting: ['Reconectando', 'Reconnecting'],
	reconnect_failed: ['Falha ao reconectar — reconecte agora', 'Reconnect failed — reconnect now'],
	restarting: ['Reiniciando a instância', 'Restarting the instance'],
	instance_missing: ['A instância não existe mais no Evolution', 'The instance no longer exists on Evolution'],
	provider_error: ['O Evolution não respondeu como esperado', 'Evolution did not answer as expected'],
};

/** The sentence for a reason, both languages: the API view carries it so every client shows the same words. */
export function channelStatusMessage(reason: string | null): { 'pt-BR': string; en: string } | null {
	const entry = reason ? MESSAGES[reason as ChannelStatusReason] : undefined;
	return entry ? { 'pt-BR': entry[0], en: entry[1] } : null;
}
