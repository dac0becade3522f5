const STAMPS: Array<[column: string, statuses: string[]]> = [
	['sent_at', ['sent', 'server_ack']],
	['delivered_at', ['delivered']],
	['read_at', ['read']],
	['played_at', ['played']],
	['failed_at', ['failed']],
];

/**
 * SET clauses moving a message row (alias `target`) to the status in SQL expression `next`, stamping the time of
 * the state it reached. Used only under a WHERE that checks the rank moves forward, unless `guarded`: then each clause
 * checks it itself and leaves the row's status alone when `next` is not ahead (for updates that set other columns too).
 * `stamps` replaces a stamp's clause with an expression of the caller's (the outbox stamps sent_at whatever the status).
 */
export function statusAdvanceSet(target: string, next: string, options: { guarded?: boolean; stamps?: Partial<Record<string, string>> } = {}): string {
	const ahead = `whatsapp_message_status_rank(${next}) > whatsapp_message_status_rank(${target}.status)`;
	const set = (column: string, value: string) => `${column} = ${options.guarded ? `CASE WHEN ${ahead} THEN ${value} ELSE ${target}.${column} END` : value}`;
	return [
		set('status', next),
		...STAMPS.map(([column, statuses]) =>
			options.stamps?.[column] !== undefined ? `${column} = ${options.stamps[column]}` : set(column, `CASE WHEN ${next} IN (${statuses.map((s) => `'${s}'`).join(', ')}) THEN COALESCE(${target}.${column}, now()) ELSE ${target}.${column} END`),
		),
		'updated_at = now()',
	].join(', ');
}
