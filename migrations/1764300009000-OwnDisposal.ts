import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 自行利用处置: a unit licensed to utilise or dispose of its own waste records that it did, per
 * container, with the method and when. Only final methods (R/D/C) qualify; storage and
 * repackaging have their own commands. What a unit treats itself counts against its licence's
 * annual capacity like what it receives, so receiver_committed_tonnes now adds it.
 */
/** The view as the Manifests migration made it, for down(). */
const MANIFESTED = `
  SELECT m.receiver_id, extract(year FROM m.submitted_at)::int AS year,
         sum(COALESCE(i.accepted_kg, i.declared_weight_kg)) / 1000.0 AS tonnes
    FROM manifests m JOIN manifest_items i ON i.manifest_id = m.id
   WHERE m.status NOT IN ('draft','cancelled') AND i.packed_in IS NULL
     AND (i.decision IS NULL OR i.decision <> 'refused')
   GROUP BY 1, 2`;
export class OwnDisposal1764300009000 implements MigrationInterface {
  name = 'OwnDisposal1764300009000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE containers ADD COLUMN disposal_method text REFERENCES disposal_methods(code)`);
    await q.query(`ALTER TABLE containers ADD COLUMN disposed_at timestamptz`);
    await q.query(`ALTER TABLE containers ADD CONSTRAINT containers_own_disposal_check CHECK ((disposal_method IS NULL) = (disposed_at IS NULL))`);
    // Years are China calendar years, as the capacity check counts them (also for manifests now).
    await q.query(`
      CREATE OR REPLACE VIEW receiver_committed_tonnes AS
        SELECT receiver_id, year, sum(tonnes) AS tonnes FROM (
          SELECT m.receiver_id, extract(year FROM m.submitted_at AT TIME ZONE 'Asia/Shanghai')::int AS year,
                 sum(COALESCE(i.accepted_kg, i.declared_weight_kg)) / 1000.0 AS tonnes
            FROM manifests m JOIN manifest_items i ON i.manifest_id = m.id
           WHERE m.status NOT IN ('draft','cancelled') AND i.packed_in IS NULL
             AND (i.decision IS NULL OR i.decision <> 'refused')
           GROUP BY 1, 2
          UNION ALL
          SELECT c.organisation_id, extract(year FROM c.disposed_at AT TIME ZONE 'Asia/Shanghai')::int, sum(c.net_weight_kg) / 1000.0
            FROM containers c WHERE c.disposed_at IS NOT NULL
           GROUP BY 1, 2
        ) t GROUP BY 1, 2`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW receiver_committed_tonnes`);
    await q.query(`CREATE VIEW receiver_committed_tonnes AS ${MANIFESTED}`);
    await q.query(`ALTER TABLE containers DROP CONSTRAINT containers_own_disposal_check`);
    await q.query(`ALTER TABLE containers DROP COLUMN disposed_at`);
    await q.query(`ALTER TABLE containers DROP COLUMN disposal_method`);
  }
}
