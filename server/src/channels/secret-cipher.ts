import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';

/**
 * AES-256-GCM for secrets at rest (channel API keys, webhook secrets) with the runtime's 32-byte integrations key.
 * Format "v1:<iv>:<tag>:<ciphertext>", each part base64; the version lets the key or algorithm change later.
 */
export function encryptSecret(plaintext: string, key: Buffer): string {
	const iv = randomBytes(12);
	const cipher = createCipheriv('aes-256-gcm', key, iv);
	const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
	return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), ciphertext.toString('base64')].join(':');
}

export function decryptSecret(sealed: string, key: Buffer): string {
	const [version, iv, tag, ciphertext] = sealed.split(':');
	if (version !== VERSION || !iv || !tag || ciphertext === undefined) throw new Error('encrypted secret has an unknown format');
	const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
	decipher.setAuthTag(Buffer.from(tag, 'base64'));
	return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString('utf8');
}
