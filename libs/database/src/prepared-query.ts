import type { PoolClient } from 'pg';
import { EntityManager, QueryFailedError } from 'typeorm';

/**
 * Runs `text` as a named prepared statement on the transaction's connection. PostgreSQL parses it
 * once per connection and, after five executions, keeps a generic plan when that plan is no
 * costlier than the custom ones (plan_cache_mode auto): for the statements on the scan path (a few
 * CTEs that take whole batches as arrays and probe unique indexes) it is, and planning them had
 * cost more than executing them. `name` must be unique per text: one statement, one name.
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
