/* eslint-disable @n8n/community-nodes/no-restricted-imports */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../../src/db/db';
import { migrate } from '../../src/db/migrate';
import { createPgDb } from '../../src/db/pg-db';
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
