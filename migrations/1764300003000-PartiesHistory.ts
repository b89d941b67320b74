import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the parties API needs beyond the Parties schema: the history of organisation changes (an
 * organisation's address or contacts are edited in place, so the previous values are kept by a
 * trigger), invariants of licence supersession, and the committed-tonnes view the licence checks read.
 */
export class PartiesHistory1764300003000 implements MigrationInterface {
  name = 'PartiesHistory1764300003000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE organisation_history (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        changed_at timestamptz NOT NULL DEFAULT now(),
        -- Set by the service with set_config('wasteledger.user_id', …, true); null for changes made outside the API.
        changed_by uuid REFERENCES users(id),
        previous jsonb NOT NULL
      )`);
    await q.query(`CREATE INDEX organisation_history_org_idx ON organisation_history (organisation_id, changed_at)`);
    await q.query(`
      CREATE FUNCTION organisations_keep_history() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO organisation_history (organisation_id, changed_by, previous)
        VALUES (OLD.id, nullif(current_setting('wasteledger.user_id', true), '')::uuid, to_jsonb(OLD));
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER organisations_history AFTER UPDATE ON organisations
        FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION organisations_keep_history()`);
    await q.query(
      `CREATE TRIGGER organisation_history_append_only BEFORE UPDATE OR DELETE ON organisation_history FOR EACH ROW EXECUTE FUNCTION refuse_change()`,
    );

    // Whatever code writes a licence: its vehicle or driver belongs to the holder, and a licence
    // supersedes only one of the same holder, kind, vehicle and driver.
    await q.query(`
      CREATE FUNCTION licences_check_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE old licences%ROWTYPE;
      BEGIN
        IF NEW.vehicle_id IS NOT NULL AND NOT EXISTS
           (SELECT 1 FROM vehicles WHERE id = NEW.vehicle_id AND organisation_id = NEW.organisation_id) THEN
          RAISE EXCEPTION 'vehicle % does not belong to organisation %', NEW.vehicle_id, NEW.organisation_id
            USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.driver_id IS NOT NULL AND NOT EXISTS
           (SELECT 1 FROM drivers WHERE id = NEW.driver_id AND organisation_id = NEW.organisation_id) THEN
          RAISE EXCEPTION 'driver % does not belong to organisation %', NEW.driver_id, NEW.organisation_id
            USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.supersedes_id IS NOT NULL THEN
          SELECT * INTO old FROM licences WHERE id = NEW.supersedes_id;
          IF old.organisation_id IS DISTINCT FROM NEW.organisation_id OR old.kind IS DISTINCT FROM NEW.kind
             OR old.vehicle_id IS DISTINCT FROM NEW.vehicle_id OR old.driver_id IS DISTINCT FROM NEW.driver_id THEN
            RAISE EXCEPTION 'licence % may only be superseded by one of the same holder and kind', NEW.supersedes_id
              USING ERRCODE = 'check_violation';
          END IF;
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER licences_consistent BEFORE INSERT ON licences FOR EACH ROW EXECUTE FUNCTION licences_check_insert()`);
    await q.query(`CREATE INDEX licences_vehicle_idx ON licences (vehicle_id) WHERE vehicle_id IS NOT NULL`);
    await q.query(`CREATE INDEX licences_driver_idx ON licences (driver_id) WHERE driver_id IS NOT NULL`);

    // Tonnes each receiver has committed per calendar year, summed by the licence checks against the
    // annual capacity of its 危险废物经营许可证. An empty placeholder here: the manifests migration
    // redefines it (CREATE OR REPLACE VIEW, same columns) from submitted manifests.
    await q.query(`
      CREATE VIEW receiver_committed_tonnes AS
        SELECT NULL::uuid AS receiver_id, NULL::int AS year, NULL::numeric AS tonnes WHERE false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW receiver_committed_tonnes`);
    await q.query(`DROP INDEX licences_driver_idx`);
    await q.query(`DROP INDEX licences_vehicle_idx`);
    await q.query(`DROP TRIGGER licences_consistent ON licences`);
    await q.query(`DROP FUNCTION licences_check_insert()`);
    await q.query(`DROP TRIGGER organisations_history ON organisations`);
    await q.query(`DROP FUNCTION organisations_keep_history()`);
    await q.query(`DROP TABLE organisation_history`);
  }
}
