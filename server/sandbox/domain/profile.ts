/** Plausible pps.whatsapp.net profile-picture URLs, stable per JID. */
import { createHash } from 'node:crypto';

export function fakeProfilePictureUrl(jid: string): string {
	const digest = createHash('sha1').update(jid).digest('hex');
	const digits = BigInt('0x' + digest.slice(0, 15)).toString().padStart(19, '0').slice(0, 19);
	return `https://pps.whatsapp.net/v/t61.24694-24/${digits.slice(0, 9)}_${digits}_${digits.slice(0, 16)}_n.jpg?ccb=11-4&oh=01_Q5Aa${digest.slice(0, 10)}&oe=6932A1B2&_nc_sid=5e03e0&_nc_cat=109`;
}
