import { useTranslation } from 'react-i18next';
import type { Me } from '../lib/api-types';
import { LanguageSwitch } from './LanguageSwitch';
import { navigate, usePlace } from './router';

/** The frame around every signed-in screen: the app bar with the places, the bell, the language and sign-out. */
export function Shell({ me, onSignOut }: { me: Me; onSignOut: () => void }) {
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
				</nav>
				<span className="spacer" />
				<span className="who" title={me.user?.email}>
					{me.user?.name ?? me.workspace.name} · {me.workspace.name}
				</span>
				<LanguageSwitch />
				<button type="button" onClick={onSignOut}>
					{t('auth.signout')}
				</button>
			</header>
			<main className="place">{place.name === 'inbox' ? <p className="empty">{t('inbox.noConversations')}</p> : <p className="empty">{t('app.channels')}</p>}</main>
		</div>
	);
}
