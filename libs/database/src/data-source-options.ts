import { join, extname } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../../migrations';

/** Compiled code loads .js entity files, ts-node and Jest load .ts. */
const ext = extname(__filename);
const ROOT = join(__dirname, '..', '..', '..');

export interface DataSourceTuning {
  poolSize?: number;
  applicationName?: string;
}

/** The one definition of how we talk to Postgres, shared by both apps, the CLI, seeds and tests. */
export function dataSourceOptions(databaseUrl: string, tuning: DataSourceTuning = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    synchronize: false,
    migrationsRun: false,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    entities: [join(ROOT, 'libs', '*', 'src', '**', `*.entity${ext}`)],
    migrations: MIGRATIONS,
    logging: ['error'],
    extra: {
      max: tuning.poolSize ?? 20,
      application_name: tuning.applicationName ?? 'wasteledger',
      connectionTimeoutMillis: 5_000,
      // A statement that runs away must not hold a connection for ever.
      statement_timeout: 60_000,
    },
  };
}
