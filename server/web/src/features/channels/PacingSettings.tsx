import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../lib/api-client';
import type { Channel } from '../../lib/api-types';

/**
 * settings.outbox of a channel as the API shows it (server/src/outbox/outbox-settings-schema.ts): every field optional,
 * absent ones take the outbox's defaults (server/src/outbox/outbox-settings.ts).
 */
type StoredOutbox = NonNullable<Channel['settings']['outbox']>;

/** What the form saves: every field filled in (readOutbox puts the defaults in). */
type OutboxSettings = Required<Pick<StoredOutbox, 'perMinute' | 'dailyCap' | 'warmup' | 'sendWindow' | 'typing'>> & Pick<StoredOutbox, 'numberSince'>;

const WEEKDAYS = [0, 1, 2, 3, 4, 5, 6];

function readOutbox(channel: Channel): OutboxSettings {
	const raw: StoredOutbox = channel.settings.outbox ?? {};
	return {
		perMinute: typeof raw.perMinute === 'number' && raw.perMinute > 0 ? raw.perMinute : 30,
		dailyCap: typeof raw.dailyCap === 'number' && raw.dailyCap > 0 ? raw.dailyCap : null,
		warmup: raw.warmup !== false,
		sendWindow: raw.sendWindow ?? null,
		typing: raw.typing !== false,
		numberSince: raw.numberSince ?? null,
	};
}

const saveOutbox = (channelId: string, outbox: OutboxSettings) =>
	unwrap(api.PATCH('/api/v1/channels/{channelId}', { params: { path: { channelId } }, body: { settings: { outbox } } }));

/**
 * "Ritmo de envio": how fast the outbox may send proactive messages on this number (per minute, a daily cap, the
 * warm-up of a new number) and in which hours. Replies to customers are never held back by these.
 */
export function PacingSettings({ channel, isAdmin }: { channel: Channel; isAdmin: boolean }) {
	const { t } = useTranslation();
	const queryClient = useQueryClient();
	const stored = readOutbox(channel);
	const [perMinute, setPerMinute] = useState(String(stored.perMinute));
	const [dailyCap, setDailyCap] = useState(stored.dailyCap ? String(stored.dailyCap) : '');
	const [warmup, setWarmup] = useState(stored.warmup);
	const [windowOn, setWindowOn] = useState(stored.sendWindow !== null);
	const [startHour, setStartHour] = useState(String(stored.sendWindow?.startHour ?? 8));
	const [endHour, setEndHour] = useState(String(stored.sendWindow?.endHour ?? 20));
	const [days, setDays] = useState<number[]>(stored.sendWindow?.days ?? [1, 2, 3, 4, 5, 6]);
	const [timeZone, setTimeZone] = useState(stored.sendWindow?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'America/Sao_Paulo');
	const [invalid, setInvalid] = useState<string | null>(null);
	const save = useMutation({
		mutationFn: (outbox: OutboxSettings) => saveOutbox(channel.id, outbox),
		onSuccess: () => queryClient.invalidateQueries({ queryKey: ['channels'] }),
	});
	const submit = (event: FormEvent) => {
		event.preventDefault();
		const start = Number(startHour);
		const end = Number(endHour);
		if (windowOn && (start >= end || days.length === 0)) {
			setInvalid(days.length === 0 ? t('pacing.noDays') : t('pacing.badWindow'));
			return;
		}
		setInvalid(null);
		save.mutate({
			...stored,
			perMinute: Number(perMinute),
			dailyCap: dailyCap.trim() ? Number(dailyCap) : null,
			warmup,
			sendWindow: windowOn ? { startHour: start, endHour: end, days: [...days].sort((a, b) => a - b), timeZone: timeZone.trim() } : null,
		});
	};
	const toggleDay = (day: number, on: boolean) => setDays((current) => (on ? [...current, day] : current.filter((d) => d !== day)));
	return (
		<details className="pacing-settings">
			<summary>{t('pacing.title')}</summary>
			<form onSubmit={submit} aria-label={t('pacing.title')}>
				<p className="hint">{t('pacing.intro')}</p>
				<fieldset disabled={!isAdmin}>
					<label>
						{t('pacing.perMinute')}
						<input type="number" min={1} max={600} required value={perMinute} onChange={(e) => setPerMinute(e.target.value)} />
					</label>
					<label>
						{t('pacing.dailyCap')}
						<input type="number" min={1} max={100_000} value={dailyCap} placeholder={t('pacing.noCap')} onChange={(e) => setDailyCap(e.target.value)} />
					</label>
					<label className="inline">
						<input type="checkbox" checked={warmup} onChange={(e) => setWarmup(e.target.checked)} />
						{t('pacing.warmup')}
					</label>
					<p className="hint">{t('pacing.warmupHint')}</p>
					<label className="inline">
						<input type="checkbox" checked={windowOn} onChange={(e) => setWindowOn(e.target.checked)} />
						{t('pacing.window')}
					</label>
					{windowOn && (
						<div className="send-window">
							<label>
								{t('pacing.from')}
								<input type="number" min={0} max={23} required value={startHour} onChange={(e) => setStartHour(e.target.value)} />
							</label>
							<label>
								{t('pacing.to')}
								<input type="number" min={1} max={24} required value={endHour} onChange={(e) => setEndHour(e.target.value)} />
							</label>
							<label>
								{t('pacing.timeZone')}
								<input required maxLength={64} value={timeZone} onChange={(e) => setTimeZone(e.target.value)} />
							</label>
							<fieldset className="weekdays">
								<legend>{t('pacing.days')}</legend>
								{WEEKDAYS.map((day) => (
									<label key={day} className="inline">
										<input type="checkbox" checked={days.includes(day)} onChange={(e) => toggleDay(day, e.target.checked)} />
										{t(`pacing.weekdays.${day}`)}
									</label>
								))}
							</fieldset>
						</div>
					)}
					{isAdmin && (
						<button type="submit" className="primary" disabled={save.isPending}>
							{t('pacing.save')}
						</button>
					)}
				</fieldset>
				{!isAdmin && <p className="hint">{t('pacing.adminsOnly')}</p>}
				{(invalid || save.isError) && (
					<p role="alert" className="form-error">
						{invalid ?? t('pacing.saveFailed', { reason: save.error?.message ?? '' })}
					</p>
				)}
				{save.isSuccess && !invalid && <p role="status">{t('pacing.saved')}</p>}
			</form>
		</details>
	);
}
