import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The digest of the label each container was issued (docs/containers.md, "Checking a scanned
 * label"): the first 16 bytes of SHA-256 over the QR payload. A scan whose payload hashes to it is
 * the very label we printed, which the server can tell with one hash instead of an Ed25519
 * verification (~120 µs); anything else is verified by its signature as before. Containers
 * registered before this column have none and are always verified by signature.
 */
export class LabelDigests1764300008000 implements MigrationInterface {
  name = 'LabelDigests1764300008000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE containers ADD COLUMN label_digest bytea CHECK (octet_length(label_digest) = 16)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE containers DROP COLUMN label_digest`);
  }
}
