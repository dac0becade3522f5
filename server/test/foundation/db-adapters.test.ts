import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../../src/db/db';
import { migrate } from '../../src/db/migrate';
import { createPgDb, isTransactionPooler } from '../../src/db/pg-db';
import { createPgliteDb } from '../../src/db/pglite-db';
import { createTestDatabase } from '../../../test/support/test-database';

const adapters: Array<[string, () => Promise<Db>]> = [
	['pglite', () => createPgliteDb()],
	['pg', async () => createPgDb(await createTestDatabase('db_adapter'))],
];

describe.each(adapters)('Db port on %s', (driver, open) => {
	let db: Db;
	beforeAll(async () => {
		db = await open();
		await db.exec('CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL)');
	});
	afterAll(() => db.close());

	it('reports its driver', () => {
		expect(db.driver).toBe(driver);
	});

	it('runs parameterised queries and counts affected rows', async () => {
		const insert = await db.query('INSERT INTO items (id, name) VALUES ($1, $2), ($3, $4)', [1, 'a', 2, 'b']);
		expect(insert.rowCount).toBe(2);
		const { rows } = await db.query<{ id: number; name: string }>('SELECT id, name FROM items WHERE id = $1', [2]);
		expect(rows).toEqual([{ id: 2, name: 'b' }]);
	});

	it('commits a transaction that resolves', async () => {
		await db.transaction(async (tx) => {
			await tx.query('INSERT INTO items (id, name) VALUES ($1, $2)', [10, 'committed']);
		});
		const { rows } = await db.query('SELECT name FROM items WHERE id = 10');
		expect(rows).toEqual([{ name: 'committed' }]);
	});

	it('rolls back every statement of a transaction that throws', async () => {
		await expect(
			db.transaction(async (tx) => {
				await tx.query('INSERT INTO items (id, name) VALUES ($1, $2)', [20, 'lost']);
				await tx.query('INSERT INTO items (id, name) VALUES ($1, $2)', [20, 'duplicate key']);
			}),
		).rejects.toThrow(/duplicate key/);
		const { rows } = await db.query('SELECT id FROM items WHERE id = 20');
		expect(rows).toEqual([]);
	});

	it('applies each migration once, in name order, and records it', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'migrations-'));
		try {
			writeFileSync(join(dir, '002_second.sql'), 'ALTER TABLE m_one ADD COLUMN extra text; INSERT INTO m_one (id) VALUES (1);');
			writeFileSync(join(dir, '001_first.sql'), 'CREATE TABLE m_one (id int PRIMARY KEY);');
			expect(await migrate(db, dir)).toEqual(['001_first.sql', '002_second.sql']);
			expect(await migrate(db, dir)).toEqual([]);
			const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM m_one');
			expect(rows[0].n).toBe(1);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it('leaves nothing behind when a migration fails half-way', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'migrations-'));
		try {
			writeFileSync(join(dir, '001_broken.sql'), 'CREATE TABLE half_done (id int); SELECT * FROM no_such_table;');
			await expect(migrate(db, dir)).rejects.toThrow(/no_such_table/);
			const { rows } = await db.query("SELECT to_regclass('half_done') AS t");
			expect(rows).toEqual([{ t: null }]);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});

describe('prepared statements on the pg adapter', () => {
	const preparedNames = async (db: Db) =>
		db.transaction(async (tx) => {
			await tx.query('SELECT $1::int + 1 AS n', [1], { prepare: true });
			await tx.query('SELECT $1::int + 2 AS n', [1]);
			const { rows } = await tx.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements');
			return rows.map((r) => r.statement);
		});

	it('prepares the statements marked hot, once per connection, and no others', async () => {
		const db = createPgDb(await createTestDatabase('db_prepare'), { max: 1 });
		try {
			expect(await preparedNames(db)).toEqual(['SELECT $1::int + 1 AS n']);
			expect(await preparedNames(db)).toEqual(['SELECT $1::int + 1 AS n']);
			const { rows } = await db.query<{ n: number }>('SELECT $1::int + 1 AS n', [41], { prepare: true });
			expect(rows).toEqual([{ n: 42 }]);
		} finally {
			await db.close();
		}
	});

	it('prepares nothing behind a pooler in transaction mode, or when told not to', async () => {
		expect(isTransactionPooler('postgres://u:p@aws-0-sa-east-1.pooler.supabase.com:6543/postgres')).toBe(true);
		expect(isTransactionPooler('postgres://u:p@db.example.com:6432/app?pgbouncer=true')).toBe(true);
		expect(isTransactionPooler('postgres://u:p@aws-0-sa-east-1.pooler.supabase.com:5432/postgres')).toBe(false);
		expect(isTransactionPooler('postgres://u:p@db.abcd.supabase.co:5432/postgres')).toBe(false);
		const db = createPgDb(await createTestDatabase('db_no_prepare'), { max: 1, preparedStatements: false });
		try {
			expect(await preparedNames(db)).toEqual([]);
		} finally {
			await db.close();
		}
	});
});
