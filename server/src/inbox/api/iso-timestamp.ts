/**
 * SQL rendering a timestamptz as JSON shows a JavaScript Date ("2026-12-01T22:49:31.123Z"), so an answer reads the
 * same whether it was built from a Date or from a row, and the driver does not build a Date only for it to be
 * written out again.
 */
export function isoTimestamp(expression: string): string {
	return `to_char(${expression} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}
