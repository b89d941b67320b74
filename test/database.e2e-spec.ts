import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@app/database';
import { migrate } from '../scripts/migrate';
import { runSeeds } from '../seeds/run';
import { MIGRATIONS } from '../migrations';
import { emptyDatabase, urlFor, withAdmin } from './support/databases';

const run = promisify(execFile);
const ROOT = join(__dirname, '..');

async function tableSnapshot(url: string, tables: string[]): Promise<Record<string, unknown[]>> {
  const ds = new DataSource({ ...dataSourceOptions(url), entities: [] });
  await ds.initialize();
  try {
    const out: Record<string, unknown[]> = {};
    for (const table of tables) out[table] = await ds.query(`SELECT * FROM ${table} ORDER BY 1, 2`);
    return out;
  } finally {
    await ds.destroy();
  }
}

describe('migrations', () => {
  it('creates a missing database, migrates up, all the way down, and up again', async () => {
    const name = `wl_fresh_${Date.now().toString(36)}`;
    const url = urlFor(name);
    try {
      const applied = await migrate(url, 'up');
      expect(applied).toEqual(MIGRATIONS.map((m) => m.name));
      for (let i = 0; i < MIGRATIONS.length; i++) await migrate(url, 'down');
      const tables = await withAdmin(async () => {
        const ds = new DataSource({ ...dataSourceOptions(url), entities: [] });
        await ds.initialize();
        const rows = (await ds.query(
          `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations'`,
        )) as { tablename: string }[];
        await ds.destroy();
        return rows.map((r) => r.tablename);
      });
      expect(tables).toEqual([]);
      expect(await migrate(url, 'up')).toHaveLength(MIGRATIONS.length);
    } finally {
      await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    }
  });
});

describe('seeds', () => {
  it('yields the same rows when run twice', async () => {
    const db = await emptyDatabase('seed');
    try {
      await migrate(db.url, 'up');
      const tables = ['waste_categories', 'waste_codes', 'disposal_methods', 'organisations', 'facilities', 'licences', 'vehicles', 'drivers', 'users', 'api_tokens'];
      await runSeeds(db.url, { quiet: true });
      const first = await tableSnapshot(db.url, tables);
      await runSeeds(db.url, { quiet: true });
      const second = await tableSnapshot(db.url, tables);
      expect(second).toEqual(first);
      expect(first.waste_categories).toHaveLength(46);
      expect((first.waste_categories as { code: string }[]).map((c) => c.code)).not.toContain('HW41');
      expect(first.waste_codes).toHaveLength(37);
      const solvent = (first.waste_codes as { code: string; hazard: string }[]).find((c) => c.code === '900-402-06');
      expect(solvent?.hazard).toBe('T，I，R');
      const lab = (first.waste_codes as { code: string; hazard: string }[]).find((c) => c.code === '900-047-49');
      expect(lab?.hazard).toBe('T/C/I/R');
      expect(first.organisations).toHaveLength(11);
    } finally {
      await db.drop();
    }
  });
});

describe('boot', () => {
  it('exits with a message naming a malformed DATABASE_URL', async () => {
    const result = await run(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/api/src/main.ts'],
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: 'not a url', TS_NODE_TRANSPILE_ONLY: 'true' } },
    ).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('DATABASE_URL');
  });
});
