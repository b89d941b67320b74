import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the scan path reads, made cheap to read:
 *
 * - `containers.label_digest`, the first 16 bytes of SHA-256 over the QR payload each container was
 *   issued (docs/containers.md, "Checking a scanned label"). A scan whose payload hashes to it is
 *   the very label we printed, which the server can tell with one hash instead of an Ed25519
 *   verification (~120 µs); anything else is verified by its signature as before. Containers
 *   registered before this column have none and are always verified by signature.
 * - an index on `manifest_items.packed_in`: scanning a turnover box finds the bags in it through
 *   the box, not by reading every item of the manifest.
 */
export class ScanPath1764300008000 implements MigrationInterface {
  name = 'ScanPath1764300008000';
  // Outside a transaction, so the index is built CONCURRENTLY: scans keep writing to manifest_items
  // while it builds. Each step can run again after a failure.
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE containers ADD COLUMN IF NOT EXISTS label_digest bytea CHECK (octet_length(label_digest) = 16)`);
    // A build that failed half-way leaves an invalid index behind: drop it and build again.
    await q.query(`
      DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                    WHERE c.relname = 'manifest_items_packed_in_idx' AND NOT i.indisvalid) THEN
          DROP INDEX manifest_items_packed_in_idx;
        END IF;
      END $$`);
    await q.query(`CREATE INDEX CONCURRENTLY IF NOT EXISTS manifest_items_packed_in_idx ON manifest_items (packed_in) WHERE packed_in IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS manifest_items_packed_in_idx`);
    await q.query(`ALTER TABLE containers DROP COLUMN IF EXISTS label_digest`);
  }
}
