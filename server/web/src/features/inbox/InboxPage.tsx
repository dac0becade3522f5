import { useTranslation } from 'react-i18next';
import { useRealtime } from '../../app/realtime-context';
import { navigate } from '../../app/router';
import { ConversationList } from './ConversationList';
import { Thread } from './Thread';

/** WhatsApp Web's two panes: the conversations on the left, the open chat on the right (one at a time on a phone). */
export function InboxPage({ conversationId, meId, isAdmin = false }: { conversationId?: string; meId: string | null; isAdmin?: boolean }) {
	const { t } = useTranslation();
	const { typing } = useRealtime();
	return (
		<div className={`inbox ${conversationId ? 'has-chat' : ''}`}>
			<ConversationList selectedId={conversationId} typing={typing} onSelect={(id) => navigate({ name: 'inbox', conversationId: id })} />
			{conversationId ? (
				<Thread key={conversationId} conversationId={conversationId} meId={meId} typing={typing.has(conversationId)} isAdmin={isAdmin} />
			) : (
				<section className="chat empty">{t('inbox.pick')}</section>
			)}
		</div>
	);
}
