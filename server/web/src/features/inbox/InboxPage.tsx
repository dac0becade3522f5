import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useRealtime } from '../../app/realtime-context';
import { navigate } from '../../app/router';
import { ConversationList } from './ConversationList';
import { Thread } from './Thread';

/** WhatsApp Web's two panes: the conversations on the left, the open chat on the right (one at a time on a phone). */
export function InboxPage({ conversationId, meId, isAdmin = false }: { conversationId?: string; meId: string | null; isAdmin?: boolean }) {
	const { t } = useTranslation();
	const { typing } = useRealtime();
	// A conversation picked in the list (by click or Enter) opens ready to type, as in WhatsApp Web; one opened by a
	// link or a reload leaves the focus where it is.
	const [pickedFromList, setPickedFromList] = useState(false);
	return (
		<div className={`inbox ${conversationId ? 'has-chat' : ''}`}>
			<ConversationList
				selectedId={conversationId}
				typing={typing}
				onSelect={(id) => {
					setPickedFromList(true);
					navigate({ name: 'inbox', conversationId: id });
				}}
			/>
			{conversationId ? (
				<Thread key={conversationId} conversationId={conversationId} meId={meId} typing={typing.get(conversationId) ?? null} isAdmin={isAdmin} focusComposer={pickedFromList} />
			) : (
				<section className="chat empty">{t('inbox.pick')}</section>
			)}
		</div>
	);
}
