import { useTranslation } from 'react-i18next';
import { AgentsPage } from '../features/ai/AgentsPage';
import { ChannelsPage } from '../features/channels/ChannelsPage';
import { Bell } from '../features/notifications/Bell';
import { InboxPage } from '../features/inbox/InboxPage';
import { PacedBanner } from '../features/inbox/PacedBanner';
import type { Me } from '../lib/api-types';
import { LanguageSwitch } from './LanguageSwitch';
import { RealtimeProvider, useRealtime } from './realtime-context';
import { navigate, usePlace } from './router';

/** The frame around every signed-in screen: the app bar with the places, the language and sign-out; live updates. */
export function Shell(props: { me: Me; onSignOut: () => void }) {
	return (
		<RealtimeProvider>
			<ShellFrame {...props} />
		</RealtimeProvider>
	);
}

function ConnectionBanner() {
	const { t } = useTranslation();
	const { state } = useRealtime();
	if (state !== 'offline') return null;
	return (
		<p className="connection-banner" role="status">
			{t('app.offline')}
		</p>
	);
}

function ShellFrame({ me, onSignOut }: { me: Me; onSignOut: () => void }) {
	const { t } = useTranslation();
	const place = usePlace();
	return (
		<div className="shell">
			<header className="app-bar">
				<span className="app-name" aria-hidden="true">
					💬
				</span>
				<nav aria-label={t('app.places')}>
					<button type="button" aria-current={place.name === 'inbox' ? 'page' : undefined} onClick={() => navigate({ name: 'inbox' })}>
						{t('app.inbox')}
					</button>
					<button type="button" aria-current={place.name === 'channels' ? 'page' : undefined} onClick={() => navigate({ name: 'channels' })}>
						{t('app.channels')}
					</button>
					{me.role === 'admin' && (
						<button type="button" aria-current={place.name === 'ai' ? 'page' : undefined} onClick={() => navigate({ name: 'ai' })}>
							{t('app.ai')}
						</button>
					)}
				</nav>
				<span className="spacer" />
				<Bell signedInUser={me.user !== null} />
				<span className="who" title={me.user?.email}>
					{me.user?.name ?? me.workspace.name} · {me.workspace.name}
				</span>
				<LanguageSwitch />
				<button type="button" onClick={onSignOut}>
					{t('auth.signout')}
				</button>
			</header>
			<ConnectionBanner />
			<PacedBanner />
			<main className="place">
				{place.name === 'inbox' && <InboxPage conversationId={place.conversationId} meId={me.user?.id ?? null} isAdmin={me.role === 'admin'} />}
				{place.name === 'channels' && <ChannelsPage isAdmin={me.role === 'admin'} />}
				{place.name === 'ai' && <AgentsPage isAdmin={me.role === 'admin'} />}
			</main>
		</div>
	);
}
