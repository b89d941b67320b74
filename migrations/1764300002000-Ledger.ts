import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The tamper-evident ledger (docs/ledger.md): append-only events hash-chained per subject and
 * partitioned by month, the per-subject heads that serialise appends, signed Merkle checkpoints,
 * and the stored results of verification runs.
 *
 * Production connects as a LOGIN role that is a member of `wasteledger_app` (created here, NOLOGIN),
 * which may only INSERT and SELECT events and checkpoints; the migration role owns the tables. Row
 * triggers additionally refuse UPDATE and DELETE for everyone, and TRUNCATE is refused on the parent
 * and on every partition (a statement trigger on a partitioned table does not fire for a TRUNCATE
 * of one partition).
 */
export class Ledger1764300002000 implements MigrationInterface {
  name = 'Ledger1764300002000';

  async up(q: QueryRunner): Promise<void> {
    // Roles are cluster-wide: another database on the same server may already have created it.
    await q.query(`
      DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'wasteledger_app') THEN
          CREATE ROLE wasteledger_app NOLOGIN;
        END IF;
      END $$`);

    await q.query(`
      CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% on % is not allowed: the ledger is append-only', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END $$`);

    // seq is the global order of appends. CACHE 1 matters: the checkpoint sealer relies on values
    // being handed out in increasing order across sessions (see checkpoint.service.ts).
    // The hash covers every column but seq; the Merkle checkpoints bind seq order.
    await q.query(`
      CREATE TABLE events (
        seq bigint GENERATED ALWAYS AS IDENTITY (CACHE 1),
        id uuid NOT NULL,
        subject_type text NOT NULL CHECK (subject_type ~ '^[a-z][a-z0-9_]{0,31}$'),
        subject_id uuid NOT NULL,
        subject_seq integer NOT NULL CHECK (subject_seq >= 1),
        type text NOT NULL CHECK (type ~ '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$' AND length(type) <= 64),
        actor_org_id uuid,
        actor_user_id uuid,
        actor_device text CHECK (length(actor_device) BETWEEN 1 AND 128),
        device_time timestamptz,
        server_time timestamptz NOT NULL DEFAULT now(),
        payload jsonb NOT NULL CHECK (jsonb_typeof(payload) = 'object'),
        prev_hash bytea CHECK (octet_length(prev_hash) = 32),
        hash bytea NOT NULL CHECK (octet_length(hash) = 32),
        CHECK ((subject_seq = 1) = (prev_hash IS NULL)),
        PRIMARY KEY (seq, server_time)
      ) PARTITION BY RANGE (server_time)`);
    // A subject's story, read in order; per partition (a unique index would have to include server_time,
    // so uniqueness of (subject, subject_seq) is enforced by ledger_heads instead).
    await q.query(`CREATE INDEX events_subject_idx ON events (subject_type, subject_id, subject_seq)`);
    await q.query(`CREATE TABLE events_default PARTITION OF events DEFAULT`);
    await q.query(`CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()`);
    await q.query(`CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()`);
    await q.query(`CREATE TRIGGER events_default_no_truncate BEFORE TRUNCATE ON events_default FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()`);

    // Monthly partitions, bounded in UTC. The checkpoint job calls ledger_ensure_partitions() to stay
    // months ahead: rows for a month without a partition land in events_default, and a partition can
    // no longer be created for a month the default partition already holds rows of.
    // SECURITY DEFINER so the application role can keep partitions ahead without owning the table;
    // lock_timeout because creating a partition locks the parent, and waiting behind a long reader
    // would queue every append behind it.
    await q.query(`
      CREATE FUNCTION ledger_ensure_partition(month date) RETURNS text
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
      DECLARE
        first_day date := date_trunc('month', month)::date;
        name text := format('events_y%sm%s', to_char(first_day, 'YYYY'), to_char(first_day, 'MM'));
        lower_bound timestamptz := first_day::timestamp AT TIME ZONE 'UTC';
        upper_bound timestamptz := (first_day + interval '1 month')::timestamp AT TIME ZONE 'UTC';
        previous_lock_timeout text := current_setting('lock_timeout');
      BEGIN
        IF to_regclass(name) IS NOT NULL THEN RETURN name; END IF;
        PERFORM pg_advisory_xact_lock(hashtext('ledger_ensure_partition'));
        IF to_regclass(name) IS NOT NULL THEN RETURN name; END IF;
        IF EXISTS (SELECT 1 FROM events_default WHERE server_time >= lower_bound AND server_time < upper_bound) THEN
          RAISE EXCEPTION 'events_default already holds rows of %; that month cannot get its own partition', to_char(first_day, 'YYYY-MM');
        END IF;
        PERFORM set_config('lock_timeout', '2s', true);
        EXECUTE format('CREATE TABLE %I PARTITION OF events FOR VALUES FROM (%L) TO (%L)', name, lower_bound, upper_bound);
        EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()',
                       name || '_no_truncate', name);
        PERFORM set_config('lock_timeout', previous_lock_timeout, true);
        RETURN name;
      END $$`);
    await q.query(`
      CREATE FUNCTION ledger_ensure_partitions(months_ahead integer) RETURNS void
      LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT ledger_ensure_partition((date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => m))::date)
        FROM generate_series(0, months_ahead) AS m
      $$`);
    await q.query(`REVOKE ALL ON FUNCTION ledger_ensure_partition(date), ledger_ensure_partitions(integer) FROM PUBLIC`);
    // A range around now: last month (clock skew, late migrations) through a year ahead.
    await q.query(`
      SELECT ledger_ensure_partition((date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => m))::date)
      FROM generate_series(-1, 12) AS m`);

    // One row per subject: its last subject_seq and hash. Appends upsert it first, which takes the
    // row lock that serialises appends to one subject (and only to that subject), allocates
    // subject_seq without gaps, and keeps the head a verifier compares the chain's end with (a chain
    // alone cannot show that its last events were deleted).
    await q.query(`
      CREATE TABLE ledger_heads (
        subject_type text NOT NULL,
        subject_id uuid NOT NULL,
        last_seq integer NOT NULL CHECK (last_seq >= 1),
        last_hash bytea CHECK (octet_length(last_hash) = 32),
        last_event_seq bigint,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (subject_type, subject_id)
      )`);

    await q.query(`
      CREATE TABLE ledger_checkpoints (
        id uuid PRIMARY KEY,
        from_seq bigint NOT NULL CHECK (from_seq >= 1),
        to_seq bigint NOT NULL,
        event_count integer NOT NULL CHECK (event_count > 0),
        merkle_root bytea NOT NULL CHECK (octet_length(merkle_root) = 32),
        signed_at timestamptz NOT NULL,
        key_id text NOT NULL,
        signature bytea NOT NULL CHECK (octet_length(signature) = 64),
        prev_checkpoint_id uuid UNIQUE REFERENCES ledger_checkpoints(id),
        CHECK (to_seq >= from_seq),
        CHECK (event_count <= to_seq - from_seq + 1)
      )`);
    // The checkpoints form one chain: one first checkpoint, no two with the same predecessor or range start.
    await q.query(`CREATE UNIQUE INDEX ledger_checkpoints_one_first ON ledger_checkpoints ((true)) WHERE prev_checkpoint_id IS NULL`);
    await q.query(`CREATE UNIQUE INDEX ledger_checkpoints_from_idx ON ledger_checkpoints (from_seq)`);
    await q.query(`CREATE UNIQUE INDEX ledger_checkpoints_to_idx ON ledger_checkpoints (to_seq)`);
    await q.query(`CREATE TRIGGER ledger_checkpoints_append_only BEFORE UPDATE OR DELETE ON ledger_checkpoints FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()`);
    await q.query(`CREATE TRIGGER ledger_checkpoints_no_truncate BEFORE TRUNCATE ON ledger_checkpoints FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()`);

    await q.query(`
      CREATE TABLE ledger_verifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        from_seq bigint,
        to_seq bigint,
        requested_by text,
        status text NOT NULL CHECK (status IN ('queued','running','ok','broken','failed')),
        events_checked bigint NOT NULL DEFAULT 0,
        checkpoints_checked integer NOT NULL DEFAULT 0,
        first_broken jsonb,
        error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        CHECK ((status = 'broken') = (first_broken IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX ledger_verifications_created_idx ON ledger_verifications (created_at DESC)`);
    await q.query(`CREATE INDEX ledger_verifications_pending_idx ON ledger_verifications (created_at) WHERE status IN ('queued','running')`);

    await q.query(`GRANT SELECT, INSERT ON events, ledger_checkpoints TO wasteledger_app`);
    await q.query(`GRANT SELECT, INSERT, UPDATE ON ledger_heads, ledger_verifications TO wasteledger_app`);
    await q.query(`GRANT EXECUTE ON FUNCTION ledger_ensure_partition(date), ledger_ensure_partitions(integer) TO wasteledger_app`);
    // The sealer reads the sequence's last value (pg_sequence_last_value needs SELECT on it).
    await q.query(`DO $$ BEGIN EXECUTE format('GRANT SELECT ON SEQUENCE %s TO wasteledger_app', pg_get_serial_sequence('events', 'seq')); END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    // The role is left in place: it is cluster-wide and other databases may use it. Dropping the
    // tables and functions drops what was granted on them.
    await q.query(`DROP TABLE ledger_verifications`);
    await q.query(`DROP TABLE ledger_checkpoints`);
    await q.query(`DROP TABLE ledger_heads`);
    await q.query(`DROP FUNCTION ledger_ensure_partitions(integer)`);
    await q.query(`DROP FUNCTION ledger_ensure_partition(date)`);
    await q.query(`DROP TABLE events`);
    await q.query(`DROP FUNCTION ledger_refuse_change()`);
  }
}
