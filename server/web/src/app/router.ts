import { useSyncExternalStore } from 'react';

/**
 * The page's few places as paths (/, /conversations/:id, /channels, /ai), so a reload or a shared link opens the same
 * screen; the server answers index.html for all of them.
 */
export type Place = { name: 'inbox'; conversationId?: string } | { name: 'channels' } | { name: 'ai' };

export function placeOf(pathname: string): Place {
	if (pathname.startsWith('/channels')) return { name: 'channels' };
	if (pathname === '/ai' || pathname.startsWith('/ai/')) return { name: 'ai' };
	const match = /^\/conversations\/([0-9a-f-]{36})/.exec(pathname);
	return match ? { name: 'inbox', conversationId: match[1] } : { name: 'inbox' };
}

export function pathOf(place: Place): string {
	if (place.name === 'channels') return '/channels';
	if (place.name === 'ai') return '/ai';
	return place.conversationId ? `/conversations/${place.conversationId}` : '/';
}

const listeners = new Set<() => void>();
window.addEventListener('popstate', () => listeners.forEach((l) => l()));

export function navigate(place: Place): void {
	const path = pathOf(place);
	if (window.location.pathname !== path) window.history.pushState(null, '', path);
	listeners.forEach((l) => l());
}

export function usePlace(): Place {
	const pathname = useSyncExternalStore(
		(listener) => {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		() => window.location.pathname,
	);
	return placeOf(pathname);
}
