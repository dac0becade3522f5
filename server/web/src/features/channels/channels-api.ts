import { api, type ApiAnswer, unwrap } from '../../lib/api-client';

/** GET …/qr while a number pairs; POST …/connect answers the same (server/src/channels/channel-qr-view-schema.ts). */
export type QrView = ApiAnswer<'/api/v1/channels/{channelId}/qr', 'get'>;

/** A page of the channel's log, newest first (server/src/channels/channel-log-schema.ts). */
export type ChannelLogPage = ApiAnswer<'/api/v1/channels/{channelId}/log', 'get'>;

/** One line of the channel's log: a lifecycle step, a state change, an alert or an error. */
export type ChannelLogEntry = ChannelLogPage['data'][number];

/** The list every screen shares (the inbox reads it for the "channel disconnected" notice); channel.* events refresh it. */
export const CHANNELS_KEY = ['channels'] as const;
export const listChannels = () => unwrap(api.GET('/api/v1/channels'));

export const getQr = (channelId: string) => unwrap(api.GET('/api/v1/channels/{channelId}/qr', { params: { path: { channelId } } }));

/** Newest first; `before` is the previous page's nextCursor. */
export const LOG_PAGE = 10;
export const getLog = (channelId: string, before?: string) =>
	unwrap(api.GET('/api/v1/channels/{channelId}/log', { params: { path: { channelId }, query: { limit: LOG_PAGE, before } } }));

/** Creates the Evolution instance with this server's webhook and starts pairing: a QR, or a code for `phoneNumber`. */
export const addChannel = (name: string, phoneNumber?: string) =>
	unwrap(
		api.POST('/api/v1/channels', { body: { name, instanceName: `inbox-${crypto.randomUUID().slice(0, 8)}`, phoneNumber: phoneNumber || undefined } }),
	);

/** Pairs again (a channel logged out or whose QR expired): a new QR, or a pairing code for `phoneNumber`. */
export const connectChannel = (channelId: string, phoneNumber?: string) =>
	unwrap(api.POST('/api/v1/channels/{channelId}/connect', { params: { path: { channelId } }, body: { phoneNumber: phoneNumber || undefined } }));

export const reconnectChannel = (channelId: string) => unwrap(api.POST('/api/v1/channels/{channelId}/reconnect', { params: { path: { channelId } } }));

export const logoutChannel = (channelId: string) => unwrap(api.POST('/api/v1/channels/{channelId}/logout', { params: { path: { channelId } } }));

/** `delete` removes the Evolution instance too; `detach` leaves it (and its session) on Evolution. */
export const removeChannel = (channelId: string, evolutionInstance: 'delete' | 'detach') =>
	unwrap<undefined>(api.DELETE('/api/v1/channels/{channelId}', { params: { path: { channelId }, query: { evolutionInstance } } }));
