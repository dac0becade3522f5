/**
 * SET clauses moving a message row (alias `target`) to the status in SQL expression `next`, stamping the time of
 * the state it reached. Used only under a WHERE that checks the rank moves forward.
 */
export function statusAdvanceSet(target: string, next: string): string {
	const stamp = (column: string, statuses: string[]) =>
		`${column} = CASE WHEN ${next} IN (${statuses.map((s) => `'${s}'`).join(', ')}) THEN COALESCE(${target}.${column}, now()) ELSE ${target}.${column} END`;
	return [
		`status = ${next}`,
		stamp('sent_at', ['sent', 'server_ack']),
		stamp('delivered_at', ['delivered']),
		stamp('read_at', ['read']),
		stamp('played_at', ['played']),
		stamp('failed_at', ['failed']),
		'updated_at = now()',
	].join(', ');
}
