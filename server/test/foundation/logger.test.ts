import { Writable } from 'node:stream';
import { createLogger } from '../../src/logging/logger';

describe('logger', () => {
	it('never writes API keys, tokens, passwords or auth headers', () => {
		const lines: string[] = [];
		const destination = new Writable({
			write(chunk, _encoding, callback) {
				lines.push(chunk.toString());
				callback();
			},
		});
		const logger = createLogger({ destination });
		logger.info(
			{
				apikey: 'secret-apikey-1',
				channel: { apiKey: 'secret-apikey-2', name: 'Vendas' },
				user: { password: 'secret-password' },
				req: { headers: { apikey: 'secret-apikey-3', authorization: 'Bearer secret-token' } },
			},
			'upstream call',
		);
		const output = lines.join('');
		expect(output).toContain('Vendas');
		expect(output).not.toMatch(/secret-/);
		expect(output).toContain('[redacted]');
	});
});
