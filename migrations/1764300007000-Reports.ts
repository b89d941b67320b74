import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reports (docs/reports.md): 双随机 inspection draws with the seed, filters and population they were
 * drawn from (so anyone can re-draw them), the units drawn, and the inspection results recorded
 * against them. All append-only. Plus the index the unit reports (台账, mass balance) filter by.
 */
export class Reports1764300007000 implements MigrationInterface {
  name = 'Reports1764300007000';

  async up(q: QueryRunner): Promise<void> {
    // 台账 and mass balance read "what did this unit generate in this period".
    await q.query(`CREATE INDEX reports_containers_generated_idx ON containers (organisation_id, generated_at)`);

    await q.query(`
      CREATE TABLE inspection_draws (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        regulator_id uuid NOT NULL REFERENCES organisations(id),
        drawn_by uuid NOT NULL REFERENCES users(id),
        seed text NOT NULL CHECK (length(seed) BETWEEN 1 AND 128),
        filters jsonb NOT NULL CHECK (jsonb_typeof(filters) = 'object'),
        weighted boolean NOT NULL,
        algorithm text NOT NULL,
        requested_size int NOT NULL CHECK (requested_size BETWEEN 1 AND 1000),
        population_size int NOT NULL CHECK (population_size >= 1),
        -- [{id, weight}]: what was drawn from, as it was then (organisations and alerts change later).
        population jsonb NOT NULL CHECK (jsonb_typeof(population) = 'array' AND jsonb_array_length(population) = population_size),
        population_hash text NOT NULL CHECK (population_hash ~ '^[0-9a-f]{64}$'),
        inspectors text[] NOT NULL DEFAULT '{}',
        inspectors_per_unit smallint NOT NULL DEFAULT 0 CHECK (inspectors_per_unit BETWEEN 0 AND 5),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX inspection_draws_regulator_idx ON inspection_draws (regulator_id, created_at DESC)`);

    await q.query(`
      CREATE TABLE inspection_draw_units (
        draw_id uuid NOT NULL REFERENCES inspection_draws(id),
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        rank int NOT NULL CHECK (rank >= 1),
        weight numeric(10,3) NOT NULL CHECK (weight > 0),
        sort_key double precision NOT NULL,
        inspectors text[] NOT NULL DEFAULT '{}',
        PRIMARY KEY (draw_id, organisation_id),
        UNIQUE (draw_id, rank)
      )`);

    // One result per drawn unit and draw, only against a drawn unit; a failure states its findings.
    await q.query(`
      CREATE TABLE inspections (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        draw_id uuid NOT NULL,
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        regulator_id uuid NOT NULL REFERENCES organisations(id),
        result text NOT NULL CHECK (result IN ('passed','failed')),
        findings text NOT NULL DEFAULT '' CHECK (length(findings) <= 4000),
        inspector text NOT NULL CHECK (length(inspector) BETWEEN 1 AND 200),
        inspected_on date NOT NULL,
        recorded_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (draw_id, organisation_id) REFERENCES inspection_draw_units (draw_id, organisation_id),
        UNIQUE (draw_id, organisation_id),
        CHECK (result = 'passed' OR length(findings) > 0)
      )`);
    await q.query(`CREATE INDEX inspections_org_idx ON inspections (organisation_id, inspected_on)`);

    for (const table of ['inspection_draws', 'inspection_draw_units', 'inspections']) {
      await q.query(`CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE inspections`);
    await q.query(`DROP TABLE inspection_draw_units`);
    await q.query(`DROP TABLE inspection_draws`);
    await q.query(`DROP INDEX reports_containers_generated_idx`);
  }
}
