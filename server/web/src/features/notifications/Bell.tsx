import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { navigate, usePlace } from '../../app/router';
import { contactName, listTime } from '../inbox/format';
import { type InboxNotification, listNotifications, listUnassignedUnread, markNotificationsRead, NOTIFICATIONS_KEY, UNASSIGNED_UNREAD_KEY } from './notifications-api';

/**
 * The global bell: what waits for this attendant — their notifications (a new message in a conversation assigned
 * to them, an assignment, an AI hand-off) and the conversations nobody has taken that hold unread messages. Live:
 * notification.* events and conversation events refetch both lists.
 */
export function Bell({ signedInUser }: { signedInUser: boolean }) {
	const { t, i18n } = useTranslation();
	const queryClient = useQueryClient();
	const [open, setOpen] = useState(false);
	const panel = useRef<HTMLDivElement>(null);
	const mine = useQuery({ queryKey: NOTIFICATIONS_KEY, queryFn: listNotifications, enabled: signedInUser });
	const unassigned = useQuery({ queryKey: UNASSIGNED_UNREAD_KEY, queryFn: listUnassignedUnread });
	const markRead = useMutation({
		mutationFn: (ids?: string[]) => markNotificationsRead(ids),
		onSettled: () => queryClient.invalidateQueries({ queryKey: NOTIFICATIONS_KEY }),
	});
	const notifications = mine.data?.data ?? [];
	const waiting = unassigned.data ?? [];
	const count = (mine.data?.meta.unreadCount ?? 0) + waiting.length;

	// Opening a conversation (from here or the list) settles its notifications, once per set of ids.
	const place = usePlace();
	const openId = place.name === 'inbox' ? place.conversationId : undefined;
	const settled = notifications.filter((n) => n.conversationId === openId).map((n) => n.id);
	const settledKey = settled.join(',');
	useEffect(() => {
		if (settledKey) markRead.mutate(settledKey.split(','));
	}, [settledKey]);

	// Escape or a click outside closes the panel.
	useEffect(() => {
		if (!open) return;
		const onKey = (event: KeyboardEvent) => event.key === 'Escape' && setOpen(false);
		const onClick = (event: MouseEvent) => {
			if (panel.current && !panel.current.contains(event.target as Node)) setOpen(false);
		};
		document.addEventListener('keydown', onKey);
		document.addEventListener('mousedown', onClick);
		return () => {
			document.removeEventListener('keydown', onKey);
			document.removeEventListener('mousedown', onClick);
		};
	}, [open]);

	const openNotification = (notification: InboxNotification) => {
		markRead.mutate([notification.id]);
		setOpen(false);
		if (notification.conversationId) navigate({ name: 'inbox', conversationId: notification.conversationId });
	};

	return (
		<div className="bell" ref={panel}>
			<button type="button" className="bell-button" aria-expanded={open} aria-haspopup="true" aria-label={count > 0 ? t('bell.label', { count }) : t('bell.labelNone')} onClick={() => setOpen(!open)}>
				<span aria-hidden="true">🔔</span>
				{count > 0 && (
					<span className="bell-count" aria-hidden="true">
						{count > 99 ? '99+' : count}
					</span>
				)}
			</button>
			{open && (
				<div className="bell-panel" role="dialog" aria-label={t('bell.title')}>
					<header>
						<h2>{t('bell.title')}</h2>
						{notifications.length > 0 && (
							<button type="button" className="link-button" onClick={() => markRead.mutate(undefined)}>
								{t('bell.markAllRead')}
							</button>
						)}
					</header>
					<h3>{t('bell.forYou')}</h3>
					{notifications.length === 0 ? (
						<p className="hint">{t('bell.nothingForYou')}</p>
					) : (
						<ul aria-label={t('bell.forYou')}>
							{notifications.map((notification) => (
								<li key={notification.id}>
									<button type="button" onClick={() => openNotification(notification)}>
										<span className="bell-kind">{t(`bell.kinds.${notification.kind}`)}</span>
										{notification.body && <span className="bell-body">{notification.body}</span>}
										<time dateTime={notification.createdAt}>{listTime(notification.createdAt, i18n.language, t('inbox.yesterday'))}</time>
									</button>
								</li>
							))}
						</ul>
					)}
					<h3>{t('bell.unassigned')}</h3>
					{waiting.length === 0 ? (
						<p className="hint">{t('bell.nothingUnassigned')}</p>
					) : (
						<ul aria-label={t('bell.unassigned')}>
							{waiting.map((conversation) => (
								<li key={conversation.id}>
									<button
										type="button"
										onClick={() => {
											setOpen(false);
											navigate({ name: 'inbox', conversationId: conversation.id });
										}}
									>
										<span className="bell-kind">{contactName(conversation.contact)}</span>
										<span className="bell-body">{t('inbox.unread', { count: conversation.unreadCount })}</span>
										{conversation.lastMessageAt && <time dateTime={conversation.lastMessageAt}>{listTime(conversation.lastMessageAt, i18n.language, t('inbox.yesterday'))}</time>}
									</button>
								</li>
							))}
						</ul>
					)}
				</div>
			)}
		</div>
	);
}
