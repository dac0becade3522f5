/**
 * The signed-in attendant's session token, kept in localStorage so a reload keeps the session (the server's
 * sessions last 30 days and are revoked on sign-out). The page's Content-Security-Policy runs only its own scripts,
 * which is what keeps a token here out of reach of injected ones.
 */
const KEY = 'inbox.session';

export interface StoredSession {
	token: string;
	expiresAt?: string;
}

export function readSession(): StoredSession | null {
	try {
		const raw = localStorage.getItem(KEY);
		if (!raw) return null;
		const parsed = JSON.parse(raw) as StoredSession;
		if (typeof parsed.token !== 'string') return null;
		if (parsed.expiresAt && Date.parse(parsed.expiresAt) < Date.now()) return null;
		return parsed;
	} catch {
		return null;
	}
}

export function writeSession(session: StoredSession): void {
	localStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
	localStorage.removeItem(KEY);
}
