import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Containers (一物一码): one row per bag, drum, box; the race-free sequence behind each 数字识别码;
 * packing (current parent), repackaging lineage with kg per input, and storage stays (入库/出库).
 * These tables are projections: every change to them is appended to the ledger in the same transaction.
 */
export class Containers1764300004000 implements MigrationInterface {
  name = 'Containers1764300004000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE container_sequences (
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        waste_code text NOT NULL REFERENCES waste_codes(code),
        day date NOT NULL,
        last_seq int NOT NULL CHECK (last_seq > 0),
        PRIMARY KEY (organisation_id, waste_code, day)
      )`);
    await q.query(`
      CREATE TABLE containers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code text NOT NULL UNIQUE CHECK (code ~ '^[0-9A-Z]{18}[0-9]{8}[0-9]{8}[0-9]{3,}$'),
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        holder_id uuid NOT NULL REFERENCES organisations(id),
        waste_code text NOT NULL REFERENCES waste_codes(code),
        is_medical boolean NOT NULL,
        waste_name text NOT NULL CHECK (length(waste_name) BETWEEN 1 AND 200),
        components text NOT NULL DEFAULT '' CHECK (length(components) <= 500),
        physical_form text NOT NULL CHECK (physical_form IN ('solid','semi_solid','liquid','gas')),
        hazard_codes text[] NOT NULL CHECK (cardinality(hazard_codes) > 0),
        container_type text NOT NULL CHECK (container_type IN ('bag','drum','ibc','sharps_box','turnover_box','tonne_bag','pallet')),
        volume_litres numeric(10,2) NOT NULL CHECK (volume_litres > 0),
        net_weight_kg numeric(12,3) NOT NULL CHECK (net_weight_kg >= 0),
        generated_at timestamptz NOT NULL,
        status text NOT NULL DEFAULT 'registered'
          CHECK (status IN ('registered','stored','on_manifest','in_transit','received','refused','disposed','consolidated')),
        parent_id uuid REFERENCES containers(id) CHECK (parent_id <> id),
        facility_id uuid REFERENCES facilities(id),
        stored_since timestamptz,
        notes text NOT NULL DEFAULT '' CHECK (length(notes) <= 500),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((status = 'stored') = (facility_id IS NOT NULL AND stored_since IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX containers_org_idx ON containers (organisation_id, created_at)`);
    await q.query(`CREATE INDEX containers_holder_status_idx ON containers (holder_id, status)`);
    await q.query(`CREATE INDEX containers_parent_idx ON containers (parent_id) WHERE parent_id IS NOT NULL`);
    await q.query(`CREATE INDEX containers_stored_idx ON containers (stored_since) WHERE status = 'stored'`);

    await q.query(`
      CREATE TABLE container_lineage (
        output_id uuid NOT NULL REFERENCES containers(id),
        input_id uuid NOT NULL REFERENCES containers(id),
        kg numeric(12,3) NOT NULL CHECK (kg > 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (output_id, input_id),
        CHECK (output_id <> input_id)
      )`);
    await q.query(`CREATE INDEX container_lineage_input_idx ON container_lineage (input_id)`);

    await q.query(`
      CREATE TABLE storage_stays (
        id bigserial PRIMARY KEY,
        container_id uuid NOT NULL REFERENCES containers(id),
        facility_id uuid NOT NULL REFERENCES facilities(id),
        in_at timestamptz NOT NULL,
        out_at timestamptz,
        CHECK (out_at IS NULL OR out_at >= in_at)
      )`);
    // A container is in at most one storage facility at a time.
    await q.query(`CREATE UNIQUE INDEX storage_stays_open_idx ON storage_stays (container_id) WHERE out_at IS NULL`);
    await q.query(`CREATE INDEX storage_stays_facility_idx ON storage_stays (facility_id, in_at)`);

    // Labels that failed verification: kept as evidence for the regulator.
    await q.query(`
      CREATE TABLE label_rejections (
        id bigserial PRIMARY KEY,
        organisation_id uuid REFERENCES organisations(id),
        user_id uuid,
        device text,
        reason text NOT NULL,
        payload text NOT NULL,
        claimed_code text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE label_rejections`);
    await q.query(`DROP TABLE storage_stays`);
    await q.query(`DROP TABLE container_lineage`);
    await q.query(`DROP TABLE containers`);
    await q.query(`DROP TABLE container_sequences`);
  }
}
