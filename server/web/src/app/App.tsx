import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fetchMe, signOut } from '../features/auth/auth-api';
import { AuthPages } from '../features/auth/AuthPages';
import { setSignedOutHandler } from '../lib/api-client';
import type { Me, SessionAnswer } from '../lib/api-types';
import { clearSession, readSession, writeSession } from '../lib/session';
import { Shell } from './Shell';

const queryClient = new QueryClient({
	defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false, staleTime: 10_000 } },
});

/** Signed out: the sign-in / create-workspace screen. Signed in: the inbox shell. The session survives reloads. */
export function App() {
	const { t } = useTranslation();
	const [me, setMe] = useState<Me | null>(null);
	const [checking, setChecking] = useState(() => readSession() !== null);

	const signedOut = useCallback(() => {
		clearSession();
		queryClient.clear();
		setMe(null);
	}, []);

	useEffect(() => {
		setSignedOutHandler(signedOut);
		if (!readSession()) return;
		fetchMe()
			.then(setMe)
			.catch(() => signedOut())
			.finally(() => setChecking(false));
	}, [signedOut]);

	const onSignedIn = (session: SessionAnswer) => {
		writeSession({ token: session.token, expiresAt: session.expiresAt });
		setMe({ via: 'session', role: session.user.role, user: session.user, workspace: session.workspace });
	};

	const onSignOut = async () => {
		await signOut().catch(() => undefined);
		signedOut();
	};

	if (checking) return <p className="loading">{t('app.loading')}</p>;
	return (
		<QueryClientProvider client={queryClient}>
			{me ? <Shell me={me} onSignOut={() => void onSignOut()} /> : <AuthPages onSignedIn={onSignedIn} />}
		</QueryClientProvider>
	);
}
