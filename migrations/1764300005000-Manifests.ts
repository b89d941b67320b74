import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The electronic transfer manifest (电子转移联单): manifests with 1–5 ordered carrier legs, their
 * containers, custody scans (idempotent per device and key), weight discrepancies, cross-province
 * approvals and collection rounds. Invariants the database keeps whatever code runs:
 * a container is on at most one open manifest; a scan is recorded once per (device, key);
 * manifest numbers are unique and allocated per city without races.
 */
export class Manifests1764300005000 implements MigrationInterface {
  name = 'Manifests1764300005000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE manifest_serials (
        prefix text PRIMARY KEY CHECK (prefix ~ '^[0-9]{8}$'),
        last_serial int NOT NULL CHECK (last_serial BETWEEN 1 AND 999999)
      )`);
    await q.query(`
      CREATE TABLE transfer_approvals (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        number text NOT NULL UNIQUE,
        generator_id uuid NOT NULL REFERENCES organisations(id),
        receiver_id uuid NOT NULL REFERENCES organisations(id),
        origin_province text NOT NULL CHECK (origin_province ~ '^[0-9]{2}$'),
        destination_province text NOT NULL CHECK (destination_province ~ '^[0-9]{2}$'),
        waste_codes text[] NOT NULL CHECK (cardinality(waste_codes) > 0),
        tonnes numeric(14,3) NOT NULL CHECK (tonnes > 0),
        whitelist boolean NOT NULL DEFAULT false,
        valid_from date NOT NULL,
        valid_to date NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (valid_to >= valid_from AND valid_to < valid_from + interval '12 months')
      )`);
    await q.query(`
      CREATE TABLE collection_rounds (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        carrier_id uuid NOT NULL REFERENCES organisations(id),
        vehicle_id uuid NOT NULL REFERENCES vehicles(id),
        driver_id uuid REFERENCES drivers(id),
        receiver_id uuid NOT NULL REFERENCES organisations(id),
        planned_date date NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE manifests (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        number text UNIQUE CHECK (number ~ '^[0-9]{14}$'),
        generator_id uuid NOT NULL REFERENCES organisations(id),
        receiver_id uuid NOT NULL REFERENCES organisations(id),
        kind text NOT NULL CHECK (kind IN ('hazardous','medical')),
        status text NOT NULL DEFAULT 'draft'
          CHECK (status IN ('draft','submitted','in_transit','arrived','received','confirmed','completed','cancelled')),
        emergency_measures text NOT NULL DEFAULT '',
        planned_start timestamptz NOT NULL,
        planned_end timestamptz NOT NULL,
        round_id uuid REFERENCES collection_rounds(id),
        approval_id uuid REFERENCES transfer_approvals(id),
        cross_province boolean NOT NULL DEFAULT false,
        parent_id uuid REFERENCES manifests(id),
        relation text CHECK (relation IN ('return','onward')),
        paper_backfill boolean NOT NULL DEFAULT false,
        submitted_at timestamptz,
        submitted_by uuid,
        departed_at timestamptz,
        arrived_at timestamptz,
        accepted_at timestamptz,
        confirm_deadline date,
        confirmed_at timestamptz,
        completed_at timestamptz,
        receiver_opinion text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (planned_end >= planned_start),
        CHECK ((parent_id IS NULL) = (relation IS NULL)),
        CHECK (status = 'draft' OR status = 'cancelled' OR number IS NOT NULL),
        CHECK (NOT cross_province OR status IN ('draft','cancelled') OR approval_id IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX manifests_generator_idx ON manifests (generator_id, created_at)`);
    await q.query(`CREATE INDEX manifests_receiver_idx ON manifests (receiver_id, created_at)`);
    await q.query(`CREATE INDEX manifests_status_idx ON manifests (status)`);
    await q.query(`CREATE INDEX manifests_parent_idx ON manifests (parent_id) WHERE parent_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE manifest_legs (
        manifest_id uuid NOT NULL REFERENCES manifests(id),
        leg_no smallint NOT NULL CHECK (leg_no BETWEEN 1 AND 5),
        carrier_id uuid NOT NULL REFERENCES organisations(id),
        vehicle_id uuid NOT NULL REFERENCES vehicles(id),
        driver_id uuid REFERENCES drivers(id),
        PRIMARY KEY (manifest_id, leg_no)
      )`);
    await q.query(`CREATE INDEX manifest_legs_carrier_idx ON manifest_legs (carrier_id)`);

    // Everyone who is a party to a manifest, for visibility checks.
    await q.query(`
      CREATE VIEW manifest_parties AS
        SELECT id AS manifest_id, generator_id AS organisation_id, 'generator'::text AS role FROM manifests
        UNION ALL SELECT id, receiver_id, 'receiver' FROM manifests
        UNION ALL SELECT manifest_id, carrier_id, 'carrier' FROM manifest_legs`);

    await q.query(`
      CREATE TABLE manifest_items (
        manifest_id uuid NOT NULL REFERENCES manifests(id),
        container_id uuid NOT NULL REFERENCES containers(id),
        -- Set when the container travels inside another one listed on the same manifest.
        packed_in uuid REFERENCES containers(id),
        waste_code text NOT NULL REFERENCES waste_codes(code),
        declared_weight_kg numeric(12,3) NOT NULL CHECK (declared_weight_kg >= 0),
        active boolean NOT NULL DEFAULT true,
        current_leg smallint CHECK (current_leg BETWEEN 1 AND 5),
        loaded_at timestamptz,
        arrived_at timestamptz,
        received_weight_kg numeric(12,3) CHECK (received_weight_kg >= 0),
        decision text CHECK (decision IN ('accepted','partially_refused','refused')),
        accepted_kg numeric(12,3) CHECK (accepted_kg >= 0),
        refused_kg numeric(12,3) CHECK (refused_kg >= 0),
        refusal_reason text,
        decided_at timestamptz,
        final_method text REFERENCES disposal_methods(code),
        final_at timestamptz,
        onward_manifest_id uuid REFERENCES manifests(id),
        PRIMARY KEY (manifest_id, container_id),
        CHECK (decision IS NULL OR arrived_at IS NOT NULL),
        CHECK (decision <> 'refused' OR refusal_reason IS NOT NULL),
        CHECK (decision <> 'partially_refused' OR (refused_kg > 0 AND refusal_reason IS NOT NULL)),
        CHECK (final_method IS NULL OR decision IN ('accepted','partially_refused'))
      )`);
    // The invariant: a container is on at most one open manifest.
    await q.query(`CREATE UNIQUE INDEX manifest_items_one_open_idx ON manifest_items (container_id) WHERE active`);
    await q.query(`CREATE INDEX manifest_items_container_idx ON manifest_items (container_id)`);

    await q.query(`
      CREATE TABLE scans (
        id bigserial PRIMARY KEY,
        device_id text NOT NULL CHECK (length(device_id) BETWEEN 1 AND 64),
        idempotency_key text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 100),
        kind text NOT NULL CHECK (kind IN ('load','handover','arrive')),
        manifest_id uuid REFERENCES manifests(id),
        container_id uuid REFERENCES containers(id),
        claimed_code text,
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        user_id uuid NOT NULL,
        device_time timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        lat numeric(9,6),
        lng numeric(9,6),
        weight_kg numeric(12,3),
        accepted boolean NOT NULL,
        outcome_code text NOT NULL,
        outcome_params jsonb NOT NULL DEFAULT '{}',
        request_fingerprint text NOT NULL,
        UNIQUE (device_id, idempotency_key)
      )`);
    await q.query(`CREATE INDEX scans_container_idx ON scans (container_id, device_time)`);
    await q.query(`CREATE INDEX scans_manifest_idx ON scans (manifest_id, device_time)`);
    await q.query(`CREATE TRIGGER scans_append_only BEFORE UPDATE OR DELETE ON scans FOR EACH ROW EXECUTE FUNCTION refuse_change()`);

    await q.query(`
      CREATE TABLE discrepancies (
        id bigserial PRIMARY KEY,
        manifest_id uuid NOT NULL REFERENCES manifests(id),
        container_id uuid REFERENCES containers(id),
        kind text NOT NULL CHECK (kind IN ('weight','not_loaded','not_on_manifest','no_loading_scan')),
        declared_kg numeric(12,3),
        measured_kg numeric(12,3),
        detail text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX discrepancies_manifest_idx ON discrepancies (manifest_id)`);

    // Tonnes committed to each receiver per year: what its licence capacity is measured against.
    await q.query(`DROP VIEW IF EXISTS receiver_committed_tonnes`);
    await q.query(`
      CREATE VIEW receiver_committed_tonnes AS
        SELECT m.receiver_id, extract(year FROM m.submitted_at)::int AS year,
               sum(COALESCE(i.accepted_kg, i.declared_weight_kg)) / 1000.0 AS tonnes
          FROM manifests m JOIN manifest_items i ON i.manifest_id = m.id
         WHERE m.status NOT IN ('draft','cancelled') AND i.packed_in IS NULL
           AND (i.decision IS NULL OR i.decision <> 'refused')
         GROUP BY 1, 2`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW receiver_committed_tonnes`);
    await q.query(`CREATE VIEW receiver_committed_tonnes AS SELECT NULL::uuid AS receiver_id, NULL::int AS year, NULL::numeric AS tonnes WHERE false`);
    await q.query(`DROP TABLE discrepancies`);
    await q.query(`DROP TABLE scans`);
    await q.query(`DROP TABLE manifest_items`);
    await q.query(`DROP VIEW manifest_parties`);
    await q.query(`DROP TABLE manifest_legs`);
    await q.query(`DROP TABLE manifests`);
    await q.query(`DROP TABLE collection_rounds`);
    await q.query(`DROP TABLE transfer_approvals`);
    await q.query(`DROP TABLE manifest_serials`);
  }
}
