import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '@app/config';
import { dataSourceOptions, ensureDatabase } from '@app/database';

/** `migrate up` creates the database when missing and applies pending migrations; `migrate down` reverts the last one. */
export async function migrate(databaseUrl: string, direction: 'up' | 'down'): Promise<string[]> {
  await ensureDatabase(databaseUrl);
  const ds = new DataSource({ ...dataSourceOptions(databaseUrl, { applicationName: 'wasteledger-migrate', poolSize: 2 }), entities: [] });
  await ds.initialize();
  try {
    if (direction === 'up') return (await ds.runMigrations({ transaction: 'each' })).map((m) => m.name);
    const [last] = (await ds.query(`SELECT name FROM schema_migrations ORDER BY id DESC LIMIT 1`)) as { name: string }[];
    await ds.undoLastMigration({ transaction: 'each' });
    return last ? [last.name] : [];
  } finally {
    await ds.destroy();
  }
}

if (require.main === module) {
  const direction = process.argv[2] === 'down' ? 'down' : 'up';
  const config = loadConfig(process.env);
  migrate(config.databaseUrl, direction).then(
    (names) => process.stdout.write(`${direction === 'up' ? 'Applied' : 'Reverted'}: ${names.length ? names.join(', ') : 'nothing'}\n`),
    (error: unknown) => {
      process.stderr.write(`Migration failed: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}
