import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CustomerActivity } from '../../app/realtime-context';
import type { Conversation } from '../../lib/api-types';
import { capped, contactName, listTime, localPreview } from './format';
import { type ListFilters, listChannels, listConversations, type StatusFilter, type Tab } from './inbox-api';

const TABS: Tab[] = ['mine', 'unassigned', 'all'];
const STATUSES: StatusFilter[] = ['active', 'pending', 'open', 'snoozed', 'resolved', 'all'];
const ROW_HEIGHT = 72;

/**
 * The sidebar: tabs with their counts, status / channel filters and search, and the list itself, virtualised so a
 * workspace with 10,000 conversations scrolls as smoothly as one with ten (pages of 50 load as the end nears).
 */
export function ConversationList({ selectedId, onSelect, typing }: { selectedId?: string; onSelect: (id: string) => void; typing: ReadonlyMap<string, CustomerActivity> }) {
	const { t, i18n } = useTranslation();
	const [filters, setFilters] = useState<ListFilters>({ tab: 'all', status: 'active', q: '', channelId: '' });
	const [search, setSearch] = useState('');
	useEffect(() => {
		const timer = setTimeout(() => setFilters((f) => (f.q === search ? f : { ...f, q: search })), 250);
		return () => clearTimeout(timer);
	}, [search]);

	const channels = useQuery({ queryKey: ['channels'], queryFn: listChannels });
	const list = useInfiniteQuery({
		queryKey: ['conversations', filters],
		queryFn: ({ pageParam }) => listConversations(filters, pageParam),
		initialPageParam: undefined as string | undefined,
		getNextPageParam: (last) => last.meta.nextCursor ?? undefined,
	});
	const rows: Conversation[] = list.data?.pages.flatMap((p) => p.data) ?? [];
	const meta = list.data?.pages[0]?.meta;

	const scroller = useRef<HTMLDivElement>(null);
	const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 8 });
	const items = virtualizer.getVirtualItems();
	const lastIndex = items.length ? items[items.length - 1].index : -1;
	useEffect(() => {
		if (lastIndex >= rows.length - 10 && list.hasNextPage && !list.isFetchingNextPage) void list.fetchNextPage();
	}, [lastIndex, rows.length, list]);

	// The list is one stop of the Tab key (a roving tabindex): the arrows, Home, End and the page keys move between
	// conversations, Enter opens one. The stop follows a conversation (not a position) while the list reorders; only
	// rows in view exist, so a row is scrolled into view before it is focused.
	const [focusId, setFocusId] = useState<string | undefined>(selectedId);
	const pendingFocus = useRef<string | null>(null);
	const rendered = items.map((item) => rows[item.index]?.id);
	const tabbableId = focusId && rendered.includes(focusId) ? focusId : rendered[0];
	const focusIndex = Math.max(0, rows.findIndex((row) => row.id === focusId));
	const moveFocus = (index: number) => {
		const next = Math.max(0, Math.min(rows.length - 1, index));
		setFocusId(rows[next].id);
		pendingFocus.current = rows[next].id;
		virtualizer.scrollToIndex(next);
	};
	useEffect(() => {
		if (pendingFocus.current === null) return;
		const row = scroller.current?.querySelector<HTMLButtonElement>(`button[data-conversation-id="${pendingFocus.current}"]`);
		if (row) {
			row.focus();
			pendingFocus.current = null;
		}
	});
	const onListKeys = (event: KeyboardEvent<HTMLUListElement>) => {
		const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? ROW_HEIGHT) / ROW_HEIGHT) - 1);
		const moves: Record<string, number> = { ArrowDown: focusIndex + 1, ArrowUp: focusIndex - 1, Home: 0, End: rows.length - 1, PageDown: focusIndex + page, PageUp: focusIndex - page };
		if (!(event.key in moves) || rows.length === 0) return;
		event.preventDefault();
		moveFocus(moves[event.key]);
	};

	return (
		<aside className="sidebar" aria-label={t('inbox.listLabel')}>
			<div className="tabs" role="tablist" aria-label={t('inbox.tabsLabel')}>
				{TABS.map((tab) => (
					<button
						key={tab}
						type="button"
						role="tab"
						aria-selected={filters.tab === tab}
						onClick={() => setFilters({ ...filters, tab })}
					>
						{t(`inbox.tab.${tab}`)}
						<span className="count" aria-label={t('inbox.countLabel', { count: meta?.counts[tab] ?? 0 })}>
							{meta ? capped(meta.counts[tab], meta.countCap) : '…'}
						</span>
					</button>
				))}
			</div>
			<div className="filters">
				<input
					type="search"
					value={search}
					onChange={(e) => setSearch(e.target.value)}
					placeholder={t('inbox.searchPlaceholder')}
					aria-label={t('inbox.search')}
				/>
				<select aria-label={t('inbox.statusFilter')} value={filters.status} onChange={(e) => setFilters({ ...filters, status: e.target.value as StatusFilter })}>
					{STATUSES.map((status) => (
						<option key={status} value={status}>
							{t(`status.${status}`)}
						</option>
					))}
				</select>
				<select aria-label={t('inbox.channelFilter')} value={filters.channelId} onChange={(e) => setFilters({ ...filters, channelId: e.target.value })}>
					<option value="">{t('inbox.allChannels')}</option>
					{channels.data?.data.map((channel) => (
						<option key={channel.id} value={channel.id}>
							{channel.name}
						</option>
					))}
				</select>
			</div>
			{list.isError && (
				<p role="alert" className="form-error">
					{t('errors.unreachable')}
				</p>
			)}
			{list.isSuccess && rows.length === 0 && <p className="empty">{t('inbox.noConversations')}</p>}
			<p id="conversation-list-keys" className="visually-hidden">
				{t('inbox.listKeys')}
			</p>
			<div className="conversation-scroller" ref={scroller}>
				<ul className="conversation-list" style={{ height: virtualizer.getTotalSize() }} aria-label={t('inbox.conversations')} aria-describedby="conversation-list-keys" onKeyDown={onListKeys}>
					{items.map((item) => {
						const conversation = rows[item.index];
						const name = contactName(conversation.contact);
						return (
							<li key={conversation.id} style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}>
								<button
									type="button"
									className="conversation-row"
									data-conversation-id={conversation.id}
									tabIndex={conversation.id === tabbableId ? 0 : -1}
									aria-current={conversation.id === selectedId ? 'true' : undefined}
									aria-label={name}
									onFocus={() => setFocusId(conversation.id)}
									onClick={() => onSelect(conversation.id)}
								>
									<span className="avatar" aria-hidden="true">
										{name.slice(0, 1).toUpperCase()}
									</span>
									<span className="row-main">
										<span className="row-top">
											<span className="name">{name}</span>
											<span className={conversation.unreadCount > 0 ? 'time unread' : 'time'}>{listTime(conversation.lastMessageAt ?? conversation.lastActivityAt, i18n.language, t('inbox.yesterday'))}</span>
										</span>
										<span className="row-bottom">
											<span className="preview">
												{typing.has(conversation.id) ? <em className="typing">{t(typing.get(conversation.id) === 'recording' ? 'inbox.recording' : 'inbox.typing')}</em> : localPreview(conversation.lastMessagePreview, t)}
											</span>
											{conversation.status === 'pending' && <span className="pill">{t('status.pending')}</span>}
											{conversation.unreadCount > 0 && (
												<span className="badge" aria-label={t('inbox.unread', { count: conversation.unreadCount })}>
													{conversation.unreadCount}
												</span>
											)}
										</span>
									</span>
								</button>
							</li>
						);
					})}
				</ul>
			</div>
		</aside>
	);
}
