import { hashPassword, verifyPassword } from '../../src/auth/password-hash';

describe('password hashing (scrypt, PHC string)', () => {
	it('stores a salted scrypt hash at N=2^17, r=8, p=1 and verifies only the right password', async () => {
		const hash = await hashPassword('s3cret passphrase');
		expect(hash).toMatch(/^\$scrypt\$ln=17,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
		expect(await hashPassword('s3cret passphrase')).not.toBe(hash);
		expect(await verifyPassword('s3cret passphrase', hash)).toBe(true);
		expect(await verifyPassword('s3cret passphrasE', hash)).toBe(false);
	});

	it('refuses malformed strings and absurd costs instead of running them', async () => {
		expect(await verifyPassword('x', 'plain-text')).toBe(false);
		expect(await verifyPassword('x', '$scrypt$ln=30,r=8,p=1$c2FsdA$aGFzaA')).toBe(false);
		expect(await verifyPassword('x', '$scrypt$ln=4,r=8,p=1$c2FsdA$aGFzaA')).toBe(false);
	});
});
