import type { PoolClient } from 'pg';
import { EntityManager, QueryFailedError } from 'typeorm';

/**
 * Runs `text` as a named prepared statement on the transaction's connection. PostgreSQL parses and
 * plans it the first time a connection sees `name`; later runs only bind and execute. For the
 * statements on the scan path (a few CTEs that take whole batches as arrays) planning cost more
 * than executing. `name` must be unique per text: one statement, one name.
 *
 * Errors are raised as TypeORM's QueryFailedError, like EntityManager.query.
 */
export async function queryPrepared<T>(manager: EntityManager, name: string, text: string, values: unknown[]): Promise<T[]> {
  const runner = manager.queryRunner;
  if (!runner) return (await manager.query(text, values)) as T[];
  const client = (await runner.connect()) as PoolClient;
  try {
    return (await client.query({ name, text, values })).rows as T[];
  } catch (error) {
    throw new QueryFailedError(text, values, error as Error);
  }
}
