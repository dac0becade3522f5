import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Channel } from '../../lib/api-types';
import { clock } from '../inbox/format';
import { cancelSync, isActiveRun, listSyncRuns, startSync, syncRunsKey } from './sync-api';

/**
 * "Sincronizar histórico": imports the channel's past messages (the last N days) and shows the run's progress live —
 * the sync.progress events write the run into the query cache, so the bar moves without polling.
 */
export function SyncPanel({ channel, isAdmin }: { channel: Channel; isAdmin: boolean }) {
	const { t, i18n } = useTranslation();
	const queryClient = useQueryClient();
	const [days, setDays] = useState(30);
	const runs = useQuery({ queryKey: syncRunsKey(channel.id), queryFn: () => listSyncRuns(channel.id) });
	const refresh = () => queryClient.invalidateQueries({ queryKey: syncRunsKey(channel.id) });
	const start = useMutation({ mutationFn: () => startSync(channel.id, days), onSettled: refresh });
	const cancel = useMutation({ mutationFn: (runId: string) => cancelSync(channel.id, runId), onSettled: refresh });
	const run = runs.data?.data[0];
	const active = isActiveRun(run);
	const number = new Intl.NumberFormat(i18n.language);
	const submit = (event: FormEvent) => {
		event.preventDefault();
		start.mutate();
	};
	return (
		<section className="sync-panel" aria-label={t('sync.title')}>
			<h3>{t('sync.title')}</h3>
			{isAdmin && channel.status === 'connected' && !active && (
				<form className="sync-start" onSubmit={submit}>
					<label>
						{t('sync.days')}
						<input type="number" min={1} max={3650} required value={days} onChange={(e) => setDays(Number(e.target.value))} />
					</label>
					<button type="submit" className="primary" disabled={start.isPending}>
						{t('sync.start')}
					</button>
				</form>
			)}
			{channel.status !== 'connected' && !active && <p className="hint">{t('sync.needsConnection')}</p>}
			{start.isError && (
				<p role="alert" className="form-error">
					{t('sync.startFailed', { reason: start.error.message })}
				</p>
			)}
			{run && (
				<div className="sync-run" role="status">
					{active ? (
						<>
							<progress
								aria-label={t('sync.progress')}
								max={Math.max(run.chatsTotal, 1)}
								value={run.status === 'queued' ? undefined : run.chatsDone}
							/>
							<span>
								{run.status === 'queued'
									? t('sync.queued')
									: t('sync.running', { done: number.format(run.chatsDone), total: number.format(run.chatsTotal), count: run.messagesImported, messages: number.format(run.messagesImported) })}
							</span>
							{isAdmin && (
								<button type="button" onClick={() => cancel.mutate(run.id)} disabled={run.cancelRequested || cancel.isPending}>
									{t('sync.cancel')}
								</button>
							)}
						</>
					) : (
						<span>
							{t(`sync.ended.${run.status}`, {
								count: run.messagesImported,
								messages: number.format(run.messagesImported),
								time: run.finishedAt ? clock(run.finishedAt) : '',
							})}
							{run.errors > 0 && ` ${t('sync.errors', { count: run.errors })}`}
						</span>
					)}
				</div>
			)}
		</section>
	);
}
