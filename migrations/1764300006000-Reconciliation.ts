import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reconciliation (docs/reconciliation.md): alerts and their lifecycle, per-district rule thresholds,
 * the drain cursors over the ledger (and over refused scans, which the ledger does not record), and
 * webhook subscriptions with their deliveries. Also what the rules need from other modules' tables:
 * partial indexes that keep the set-based sweeps index-driven on a district-year of data, and a
 * statement trigger that NOTIFYs the workers when ledger events or scans commit (NOTIFY is delivered
 * at commit, so a woken worker always finds the rows).
 */
export class Reconciliation1764300006000 implements MigrationInterface {
  name = 'Reconciliation1764300006000';

  async up(q: QueryRunner): Promise<void> {
    // 500106 -> {50, 5001, 500106}: every jurisdiction prefix that covers a division, so that "is this
    // alert inside a regulator's jurisdiction" is an array overlap a GIN index answers.
    await q.query(`
      CREATE FUNCTION division_keys(codes text[]) RETURNS text[]
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT coalesce(array_agg(DISTINCT k ORDER BY k), '{}')
          FROM unnest(codes) AS c, LATERAL (VALUES (left(c, 2)), (left(c, 4)), (c)) AS v(k)
         WHERE c IS NOT NULL
      $$`);

    await q.query(`
      CREATE TABLE rule_thresholds (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        rule text NOT NULL CHECK (rule ~ '^[A-Z][A-Z0-9_]{2,63}$'),
        -- '' = every district; otherwise a province (2), city (4) or district (6) division prefix.
        division_prefix text NOT NULL CHECK (division_prefix ~ '^([1-9][0-9]([0-9]{2}){0,2})?$'),
        params jsonb NOT NULL CHECK (jsonb_typeof(params) = 'object'),
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by uuid REFERENCES users(id),
        UNIQUE (rule, division_prefix)
      )`);

    // One row per drain source. last_seq: every row at or below it is processed and no row at or
    // below it can still commit. pending_*: a horizon taken earlier that becomes final once the
    // listed writers (virtual transaction ids holding RowExclusiveLock on the table) have ended.
    await q.query(`
      CREATE TABLE reconciliation_cursor (
        name text PRIMARY KEY CHECK (name IN ('ledger', 'scans')),
        last_seq bigint NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
        pending_seq bigint,
        pending_writers text[],
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((pending_seq IS NULL) = (pending_writers IS NULL))
      )`);
    await q.query(`INSERT INTO reconciliation_cursor (name) VALUES ('ledger'), ('scans')`);

    await q.query(`
      CREATE TABLE alerts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        rule text NOT NULL CHECK (rule ~ '^[A-Z][A-Z0-9_]{2,63}$'),
        severity text NOT NULL CHECK (severity IN ('critical','high','medium','low')),
        subject_type text NOT NULL CHECK (subject_type IN ('container','manifest','organisation')),
        subject_id uuid NOT NULL,
        -- The party the alert concerns, and its division (the district whose thresholds apply).
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        division_code text NOT NULL CHECK (division_code ~ '^[1-9][0-9]{5}$'),
        -- Who may see it: the parties it is about, and regulators covering any of these prefixes.
        party_ids uuid[] NOT NULL,
        region_keys text[] NOT NULL,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open','acknowledged','resolved')),
        -- Identifies the occurrence (e.g. the manifest a drum went missing on): a regulator's
        -- resolution silences that occurrence, not the next one.
        fingerprint text NOT NULL,
        details jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(details) = 'object'),
        source text NOT NULL CHECK (source IN ('event','sweep')),
        trigger_seq bigint,
        opened_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        acknowledged_at timestamptz,
        acknowledged_by uuid REFERENCES users(id),
        resolved_at timestamptz,
        resolved_by uuid REFERENCES users(id),
        resolution_note text CHECK (length(resolution_note) BETWEEN 1 AND 2000),
        resolved_automatically boolean,
        CHECK ((status = 'resolved') = (resolved_at IS NOT NULL)),
        CHECK ((status = 'resolved') = (resolved_automatically IS NOT NULL)),
        CHECK (resolved_automatically IS DISTINCT FROM false OR (resolved_by IS NOT NULL AND resolution_note IS NOT NULL)),
        CHECK (status <> 'acknowledged' OR acknowledged_at IS NOT NULL)
      )`);
    // The guarantee: at most one alert that is not resolved per rule and subject.
    await q.query(`CREATE UNIQUE INDEX alerts_one_open_idx ON alerts (rule, subject_id) WHERE status <> 'resolved'`);
    await q.query(`CREATE INDEX alerts_silenced_idx ON alerts (rule, subject_id, fingerprint) WHERE status = 'resolved' AND NOT resolved_automatically`);
    await q.query(`CREATE INDEX alerts_opened_idx ON alerts (opened_at DESC, id DESC)`);
    await q.query(`CREATE INDEX alerts_parties_idx ON alerts USING gin (party_ids)`);
    await q.query(`CREATE INDEX alerts_regions_idx ON alerts USING gin (region_keys)`);
    await q.query(`CREATE INDEX alerts_subject_idx ON alerts (subject_id)`);
    // The lifecycle is open -> acknowledged -> resolved, whatever code runs; nothing is deleted.
    await q.query(`
      CREATE FUNCTION alerts_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          RAISE EXCEPTION 'alerts are never deleted' USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF OLD.status = 'resolved' THEN
          RAISE EXCEPTION 'alert % is resolved and can no longer change', OLD.id USING ERRCODE = 'check_violation';
        END IF;
        IF OLD.status = 'acknowledged' AND NEW.status = 'open' THEN
          RAISE EXCEPTION 'alert % cannot go back to open', OLD.id USING ERRCODE = 'check_violation';
        END IF;
        IF (NEW.rule, NEW.subject_type, NEW.subject_id, NEW.organisation_id, NEW.opened_at)
           IS DISTINCT FROM (OLD.rule, OLD.subject_type, OLD.subject_id, OLD.organisation_id, OLD.opened_at) THEN
          RAISE EXCEPTION 'what alert % is about cannot change', OLD.id USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER alerts_lifecycle BEFORE UPDATE OR DELETE ON alerts FOR EACH ROW EXECUTE FUNCTION alerts_guard()`);

    await q.query(`
      CREATE TABLE webhook_subscriptions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        url text NOT NULL CHECK (url ~ '^https?://' AND length(url) <= 2000),
        -- Needed in clear to compute the HMAC; shown to the subscriber once, never returned again.
        secret text NOT NULL CHECK (length(secret) >= 32),
        description text NOT NULL DEFAULT '' CHECK (length(description) <= 200),
        -- 'party': alerts about the organisation's own containers, manifests and itself;
        -- 'jurisdiction': a regulator's, every alert inside region_keys.
        scope text NOT NULL CHECK (scope IN ('party','jurisdiction')),
        region_keys text[] NOT NULL DEFAULT '{}',
        rules text[],
        min_severity text NOT NULL DEFAULT 'low' CHECK (min_severity IN ('critical','high','medium','low')),
        active boolean NOT NULL DEFAULT true,
        consecutive_failures int NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
        last_success_at timestamptz,
        last_failure_at timestamptz,
        disabled_at timestamptz,
        disabled_reason text,
        created_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz,
        deleted_by uuid REFERENCES users(id),
        CHECK (NOT active OR (deleted_at IS NULL AND disabled_at IS NULL)),
        CHECK ((scope = 'jurisdiction') = (cardinality(region_keys) > 0))
      )`);
    await q.query(`CREATE INDEX webhook_subscriptions_org_idx ON webhook_subscriptions (organisation_id, created_at)`);
    await q.query(`CREATE INDEX webhook_subscriptions_active_idx ON webhook_subscriptions (id) WHERE active`);

    await q.query(`
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        subscription_id uuid NOT NULL REFERENCES webhook_subscriptions(id),
        alert_id uuid NOT NULL REFERENCES alerts(id),
        event text NOT NULL CHECK (event IN ('alert.opened','alert.acknowledged','alert.resolved')),
        payload jsonb NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','delivered','failed','abandoned')),
        attempts int NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        last_attempt_at timestamptz,
        last_status_code int,
        last_error text,
        delivered_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        -- Each step of an alert is announced once per subscription, however often it is retried.
        UNIQUE (subscription_id, alert_id, event),
        CHECK ((status = 'delivered') = (delivered_at IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX webhook_deliveries_pending_idx ON webhook_deliveries (created_at) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX webhook_deliveries_subscription_idx ON webhook_deliveries (subscription_id, created_at DESC)`);

    // What the sweeps read, indexed so that a district-year is not a sequential scan per rule. Each
    // partial index holds the few rows a rule looks at (most containers are long disposed).
    await q.query(`CREATE INDEX recon_containers_pending_idx ON containers (status, updated_at) WHERE status <> 'disposed'`);
    await q.query(`
      CREATE INDEX recon_items_in_transit_idx ON manifest_items (loaded_at)
        WHERE loaded_at IS NOT NULL AND arrived_at IS NULL AND packed_in IS NULL AND active`);
    await q.query(`
      CREATE INDEX recon_items_not_loaded_idx ON manifest_items (manifest_id)
        WHERE loaded_at IS NULL AND arrived_at IS NULL AND packed_in IS NULL AND active`);
    await q.query(`
      CREATE INDEX recon_items_no_loading_idx ON manifest_items (arrived_at)
        WHERE arrived_at IS NOT NULL AND loaded_at IS NULL AND packed_in IS NULL`);
    // A comparison of two columns is estimated blindly (as true for nearly every row), which would steer
    // the planner away from these partial indexes; written as an expression with statistics of its own,
    // its selectivity is known, and the index is used.
    await q.query(`CREATE STATISTICS recon_items_weight_difference ON ((received_weight_kg - declared_weight_kg)) FROM manifest_items`);
    await q.query(`
      CREATE INDEX recon_items_weighed_idx ON manifest_items (manifest_id)
        WHERE received_weight_kg - declared_weight_kg <> 0 AND packed_in IS NULL`);
    await q.query(`
      CREATE INDEX recon_items_refused_idx ON manifest_items (decided_at)
        WHERE decision = 'refused' AND onward_manifest_id IS NULL`);
    // The smallest step between loading, arrival, decision and final operation (least() skips the
    // steps not taken yet): negative when two happened in an impossible order.
    await q.query(
      `CREATE STATISTICS recon_items_step_order ON ((least(arrived_at - loaded_at, decided_at - arrived_at, final_at - decided_at))) FROM manifest_items`,
    );
    await q.query(`
      CREATE INDEX recon_items_order_idx ON manifest_items (container_id)
        WHERE least(arrived_at - loaded_at, decided_at - arrived_at, final_at - decided_at) < interval '0'`);
    await q.query(`CREATE INDEX recon_scans_received_idx ON scans (received_at)`);
    await q.query(`CREATE INDEX recon_scans_out_of_order_idx ON scans (container_id) WHERE outcome_code = 'EVENTS_OUT_OF_ORDER'`);
    await q.query(`
      CREATE INDEX recon_label_rejections_idx ON label_rejections (organisation_id, id)
        WHERE reason IN ('LABEL_SIGNATURE_INVALID','LABEL_NOT_ISSUED')`);
    await q.query(`CREATE INDEX recon_manifests_approval_idx ON manifests (approval_id) WHERE approval_id IS NOT NULL`);

    // Wakes the reconciliation workers when ledger events or scans commit. One notification per
    // statement, with an empty payload, so a transaction's notifications fold into one.
    await q.query(`
      CREATE FUNCTION reconciliation_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('wasteledger_reconcile', TG_TABLE_NAME);
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER events_reconciliation_notify AFTER INSERT ON events FOR EACH STATEMENT EXECUTE FUNCTION reconciliation_notify()`);
    await q.query(`CREATE TRIGGER scans_reconciliation_notify AFTER INSERT ON scans FOR EACH STATEMENT EXECUTE FUNCTION reconciliation_notify()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER scans_reconciliation_notify ON scans`);
    await q.query(`DROP TRIGGER events_reconciliation_notify ON events`);
    await q.query(`DROP FUNCTION reconciliation_notify()`);
    await q.query(`DROP INDEX recon_manifests_approval_idx`);
    await q.query(`DROP INDEX recon_label_rejections_idx`);
    await q.query(`DROP INDEX recon_scans_out_of_order_idx`);
    await q.query(`DROP INDEX recon_scans_received_idx`);
    await q.query(`DROP INDEX recon_items_order_idx`);
    await q.query(`DROP STATISTICS recon_items_step_order`);
    await q.query(`DROP INDEX recon_items_refused_idx`);
    await q.query(`DROP INDEX recon_items_weighed_idx`);
    await q.query(`DROP STATISTICS recon_items_weight_difference`);
    await q.query(`DROP INDEX recon_items_no_loading_idx`);
    await q.query(`DROP INDEX recon_items_not_loaded_idx`);
    await q.query(`DROP INDEX recon_items_in_transit_idx`);
    await q.query(`DROP INDEX recon_containers_pending_idx`);
    await q.query(`DROP TABLE webhook_deliveries`);
    await q.query(`DROP TABLE webhook_subscriptions`);
    await q.query(`DROP TRIGGER alerts_lifecycle ON alerts`);
    await q.query(`DROP FUNCTION alerts_guard()`);
    await q.query(`DROP TABLE alerts`);
    await q.query(`DROP TABLE reconciliation_cursor`);
    await q.query(`DROP TABLE rule_thresholds`);
    await q.query(`DROP FUNCTION division_keys(text[])`);
  }
}
