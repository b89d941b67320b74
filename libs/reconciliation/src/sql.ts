import type { DataSource, EntityManager } from 'typeorm';

/**
 * Runs an UPDATE … RETURNING and gives its rows. TypeORM answers UPDATE and DELETE with
 * `[rows, affected]` (INSERT and SELECT with the rows alone), which is easy to get wrong.
 */
export async function updateReturning<T>(db: Pick<DataSource | EntityManager, 'query'>, sql: string, params: unknown[]): Promise<T[]> {
  const [rows] = (await db.query(sql, params)) as [T[], number];
  return rows;
}
