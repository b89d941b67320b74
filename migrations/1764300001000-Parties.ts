import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Organisations and their roles, storage facilities, licences (never overwritten: a new one
 * supersedes the old), vehicles, drivers, users and API tokens.
 */
export class Parties1764300001000 implements MigrationInterface {
  name = 'Parties1764300001000';

  async up(q: QueryRunner): Promise<void> {
    // 500000 -> '50', 500100 -> '5001', 500106 -> '500106': the prefix a jurisdiction covers.
    await q.query(`
      CREATE FUNCTION division_prefix(code text) RETURNS text
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT CASE WHEN right(code, 4) = '0000' THEN left(code, 2)
                    WHEN right(code, 2) = '00' THEN left(code, 4)
                    ELSE code END
      $$`);
    await q.query(`
      CREATE TABLE organisations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        uscc text NOT NULL UNIQUE CHECK (uscc ~ '^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$'),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        address text NOT NULL DEFAULT '',
        division_code text NOT NULL CHECK (division_code ~ '^[1-9][0-9]{5}$'),
        lat numeric(9,6) CHECK (lat BETWEEN -90 AND 90),
        lng numeric(9,6) CHECK (lng BETWEEN -180 AND 180),
        contact_name text,
        contact_phone text,
        roles text[] NOT NULL CHECK (cardinality(roles) > 0 AND roles <@ ARRAY['generator','collector','transporter','receiver','regulator']),
        generator_kind text CHECK (generator_kind IN ('industrial','medical','lab','school','auto_repair','small_other')),
        medical_level text CHECK (medical_level IN ('tertiary','secondary','primary','unrated')),
        management_class text CHECK (management_class IN ('key','simplified','registered')),
        jurisdiction text[] CHECK (jurisdiction IS NULL OR (cardinality(jurisdiction) > 0 AND array_to_string(jurisdiction, ',') ~ '^[1-9][0-9]{5}(,[1-9][0-9]{5})*$')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (('generator' = ANY(roles)) = (generator_kind IS NOT NULL)),
        CHECK (medical_level IS NULL OR generator_kind = 'medical'),
        CHECK (generator_kind IS DISTINCT FROM 'medical' OR medical_level IS NOT NULL),
        CHECK (('regulator' = ANY(roles)) = (jurisdiction IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX organisations_division_idx ON organisations (division_code text_pattern_ops)`);
    await q.query(`CREATE INDEX organisations_roles_idx ON organisations USING gin (roles)`);

    await q.query(`
      CREATE TABLE facilities (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        code text NOT NULL CHECK (code ~ '^[A-Za-z0-9-]{1,32}$'),
        name text NOT NULL,
        kind text NOT NULL DEFAULT 'storage' CHECK (kind IN ('storage')),
        capacity_tonnes numeric(12,3) NOT NULL CHECK (capacity_tonnes > 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (organisation_id, code)
      )`);

    await q.query(`
      CREATE TABLE vehicles (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        plate text NOT NULL UNIQUE CHECK (length(plate) BETWEEN 5 AND 12),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE drivers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        name text NOT NULL,
        phone text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);

    // One table for every licence-like document so "never overwritten, superseded with history"
    // is one rule: the receiver's 危险废物经营许可证, the carrier's 道路危险货物运输许可证, a
    // vehicle's 道路运输证 and a driver's qualification.
    await q.query(`
      CREATE TABLE licences (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        kind text NOT NULL CHECK (kind IN ('hw_operating','road_transport','vehicle_permit','driver_qualification')),
        vehicle_id uuid REFERENCES vehicles(id),
        driver_id uuid REFERENCES drivers(id),
        number text NOT NULL CHECK (length(number) BETWEEN 1 AND 64),
        modes text[] NOT NULL DEFAULT '{}',
        waste_codes text[] NOT NULL DEFAULT '{}',
        waste_categories text[] NOT NULL DEFAULT '{}',
        dangerous_goods_classes text[] NOT NULL DEFAULT '{}',
        annual_capacity_tonnes numeric(14,3) CHECK (annual_capacity_tonnes > 0),
        valid_from date NOT NULL,
        valid_to date NOT NULL,
        supersedes_id uuid UNIQUE REFERENCES licences(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (valid_to >= valid_from),
        CHECK ((kind = 'vehicle_permit') = (vehicle_id IS NOT NULL)),
        CHECK ((kind = 'driver_qualification') = (driver_id IS NOT NULL)),
        CHECK (kind <> 'hw_operating' OR annual_capacity_tonnes IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX licences_holder_idx ON licences (organisation_id, kind)`);
    await q.query(`
      CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% on % is not allowed: records are append-only', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`CREATE TRIGGER licences_append_only BEFORE UPDATE OR DELETE ON licences FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
    // A licence in force is one that no other licence supersedes.
    await q.query(`
      CREATE VIEW licences_current AS
        SELECT l.* FROM licences l
        WHERE NOT EXISTS (SELECT 1 FROM licences n WHERE n.supersedes_id = l.id)`);

    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organisation_id uuid REFERENCES organisations(id),
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('admin','operator','driver','viewer','platform_admin')),
        driver_id uuid REFERENCES drivers(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((role = 'platform_admin') = (organisation_id IS NULL))
      )`);
    await q.query(`
      CREATE TABLE api_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        token_hash bytea NOT NULL UNIQUE,
        expires_at timestamptz,
        revoked_at timestamptz,
        last_used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX api_tokens_user_idx ON api_tokens (user_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE api_tokens`);
    await q.query(`DROP TABLE users`);
    await q.query(`DROP VIEW licences_current`);
    await q.query(`DROP TABLE licences`);
    await q.query(`DROP FUNCTION refuse_change()`);
    await q.query(`DROP TABLE drivers`);
    await q.query(`DROP TABLE vehicles`);
    await q.query(`DROP TABLE facilities`);
    await q.query(`DROP TABLE organisations`);
    await q.query(`DROP FUNCTION division_prefix(text)`);
  }
}
