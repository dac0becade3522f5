/** HS256 JWT for the `jwt_key` webhook header (Evolution signs {iat, exp:+600 s, app, action}). */
import { createHmac } from 'node:crypto';

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

export function webhookJwt(secret: string, nowMs = Date.now()): string {
	const iat = Math.floor(nowMs / 1000);
	const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
	const payload = base64url(JSON.stringify({ iat, exp: iat + 600, app: 'evolution', action: 'webhook' }));
	const signature = base64url(createHmac('sha256', secret).update(`${header}.${payload}`).digest());
	return `${header}.${payload}.${signature}`;
}
