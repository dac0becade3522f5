import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { clock } from '../inbox/format';
import { getLog } from './channels-api';

/**
 * The channel's log, newest first, a page at a time ("Mostrar anteriores"): every pairing step, reconnect, logout and
 * state change the server recorded. channel.* events refetch it, so a step shows as it happens. The lines are the
 * server's own words (English, as in its logs); the kind and the state are in the page's language.
 */
export function ChannelLog({ channelId }: { channelId: string }) {
	const { t } = useTranslation();
	const log = useInfiniteQuery({
		queryKey: ['channel', channelId, 'log'],
		queryFn: ({ pageParam }) => getLog(channelId, pageParam),
		initialPageParam: undefined as string | undefined,
		getNextPageParam: (last) => last.nextCursor ?? undefined,
	});
	const lines = log.data?.pages.flatMap((page) => page.data) ?? [];
	return (
		<details className="channel-log">
			<summary>{t('channels.log')}</summary>
			<ol aria-label={t('channels.log')}>
				{lines.map((line) => (
					<li key={line.id} className={`log-line ${line.kind}`}>
						<time dateTime={line.createdAt}>{clock(line.createdAt)}</time>
						<span className="log-kind">{t(`channels.logKind.${line.kind}`)}</span>
						{line.status && <span className={`log-status ${line.status}`}>{t(`channels.status.${line.status}`, { defaultValue: line.status })}</span>}
						<span className="log-message">{line.message}</span>
					</li>
				))}
			</ol>
			{log.isSuccess && lines.length === 0 && <p className="hint">{t('channels.logEmpty')}</p>}
			{log.hasNextPage && (
				<button type="button" onClick={() => void log.fetchNextPage()} disabled={log.isFetchingNextPage}>
					{t('channels.logOlder')}
				</button>
			)}
		</details>
	);
}
