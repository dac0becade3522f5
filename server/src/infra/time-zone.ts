/** Whether `zone` is an IANA time zone this Node.js knows (America/Sao_Paulo, UTC…): settings that name one are checked with it. */
export function isTimeZone(zone: string): boolean {
	try {
		new Intl.DateTimeFormat('en-US', { timeZone: zone });
		return true;
	} catch {
		return false;
	}
}
