import { clientStatusOfDbError, DbError } from '../../src/db/db-error';
import { ADAPTERS, openMigratedDb } from '../support/ingest-database';
import type { Db } from '../../src/db/db';

/** A failed statement's error carries its code and message, never its parameters (PGlite's errors used to). */
describe.each(ADAPTERS)('database errors on %s', (_name, open) => {
	let db: Db;
	beforeAll(async () => {
		db = await openMigratedDb(open);
	});
	afterAll(async () => {
		await db?.close();
	});

	const failure = async (work: Promise<unknown>) => {
		try {
			await work;
		} catch (error) {
			return error as DbError;
		}
		throw new Error('expected the statement to fail');
	};

	it('keeps the code and message, drops query text, parameters and detail, whether in a transaction or not', async () => {
		const secret = 'SEGREDO-DO-PARAMETRO';
		for (const error of [
			await failure(db.query('SELECT $1::int AS n, $2::text AS s', [`${secret}-not-a-number`, secret])),
			await failure(db.transaction((tx) => tx.query('SELECT $1::uuid', [secret]))),
		]) {
			expect(error).toBeInstanceOf(DbError);
			expect(error.code).toBe('22P02');
			expect(Object.keys(error)).not.toEqual(expect.arrayContaining(['params']));
			const everything = JSON.stringify({ ...error, message: error.message, stack: error.stack });
			expect(everything).not.toContain(secret);
			expect(everything).not.toContain('SELECT');
			expect(clientStatusOfDbError(error)).toBe(400);
		}
		await db.query(`INSERT INTO workspaces (name, slug) VALUES ('a', 'dup-${process.pid}')`);
		const duplicate = await failure(db.query('INSERT INTO workspaces (name, slug) VALUES ($1, $2)', [secret, `dup-${process.pid}`]));
		expect(duplicate.code).toBe('23505');
		expect(duplicate.constraint).toEqual(expect.any(String));
		expect(JSON.stringify({ ...duplicate, message: duplicate.message, stack: duplicate.stack })).not.toContain(`dup-${process.pid}`);
		expect(clientStatusOfDbError(duplicate)).toBe(409);
	});

	it('errors of our own pass through untouched, and are not a client error', async () => {
		const own = new Error('ours');
		expect(await failure(db.transaction(async () => Promise.reject(own)))).toBe(own);
		expect(clientStatusOfDbError(own)).toBeUndefined();
		expect(clientStatusOfDbError(new DbError({ message: 'deadlock', code: '40P01' }))).toBeUndefined();
	});
});
