/** The digits of a phone number or of a JID's user part ("+55 11 98888-7777", "5511988887777@s.whatsapp.net"). */
export function phoneDigitsOf(value: string): string {
	const user = value.includes('@') ? value.slice(0, value.indexOf('@')) : value;
	return user.replace(/\D/g, '');
}
