import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import WebSocket from 'ws';

export interface SupabaseSettings {
	url: string;
	serviceRoleKey: string;
	/** Broadcast on private channels (authorised by RLS on realtime.messages) rather than public ones. */
	privateChannels: boolean;
}

/** One server-side client with the service-role key: no session persistence, no token refresh. */
export function createSupabaseServiceClient(settings: SupabaseSettings): SupabaseClient {
	return createClient(settings.url, settings.serviceRoleKey, {
		auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
		// Node 20 has no global WebSocket; supabase-js insists on one even though we only broadcast over HTTP. `ws`
		// is already here as @fastify/websocket's own dependency.
		realtime: { transport: WebSocket as unknown as NonNullable<NonNullable<Parameters<typeof createClient>[2]>['realtime']>['transport'] },
	});
}
