import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { CommandActor, ContainerStatus, ContainersService } from '@app/containers';
import { queryPrepared } from '@app/database';
import { LedgerService, NewLedgerEvent } from '@app/ledger';
import { ScanDto, ScanKind } from './manifest.dto';
import { LegRow } from './manifests.service';
import './manifests.errors';

/** Thresholds of the scan rules; not law, so kept in one place and overridable. */
export interface ScanThresholds {
  /** A device clock this far ahead of the server is refused. */
  maxFutureSkewMs: number;
  /** Weight differences above this share of the declared weight are discrepancies... */
  weightToleranceRatio: number;
  /** ...and above this many kg (scales have a resolution). */
  weightToleranceKg: number;
}

export const DEFAULT_SCAN_THRESHOLDS: ScanThresholds = { maxFutureSkewMs: 5 * 60_000, weightToleranceRatio: 0.05, weightToleranceKg: 0.2 };

export interface ScanOutcome {
  idempotencyKey: string;
  accepted: boolean;
  code: string;
  params: Record<string, unknown>;
  duplicate: boolean;
  containerId: string | null;
}

interface ItemState {
  manifest_id: string;
  container_id: string;
  packed_in: string | null;
  declared_weight_kg: string;
  current_leg: number | null;
  loaded_at: Date | null;
  arrived_at: Date | null;
  received_weight_kg: string | null;
  code: string;
  container_status: ContainerStatus;
  holder_id: string;
  dirty: boolean;
}

interface ManifestState {
  id: string;
  number: string | null;
  status: string;
  generator_id: string;
  receiver_id: string;
  arrived_at: Date | null;
  legs: LegRow[];
  arrivedNow: boolean;
}

/** One scan and who sent it: groups coalesce scans from many callers into one transaction. */
export interface ActorScan {
  actor: CommandActor;
  scan: ScanDto;
}

interface NewScanRow {
  index: number;
  actor: CommandActor;
  scan: ScanDto;
  fingerprint: string;
  containerId: string | null;
  claimedCode: string | null;
  outcome: ScanOutcome;
  /** Refused for naming a manifest the caller has no part in: recorded without the link. */
  hidden?: boolean;
}

const fingerprintOf = (s: ScanDto): string =>
  createHash('sha256')
    .update(JSON.stringify([s.kind, s.manifestId, s.label, new Date(s.deviceTime).toISOString(), s.lat ?? null, s.lng ?? null, s.weightKg ?? null]))
    .digest('base64url');

interface Discrepancy {
  actor: CommandActor;
  manifestId: string;
  containerId: string;
  kind: string;
  declared: number | null;
  measured: number | null;
  detail: string;
}

const KIND_ZH: Record<ScanKind, string> = { load: '装车', handover: '交接', arrive: '到达' };

/**
 * Custody scans, single or in offline batches of up to 1,000. A batch is one transaction, judged
 * set-wise: a few queries load every manifest, item and container it touches, the rules run in
 * device-time order in memory, and the changes, the scan records (accepted or not) and the ledger
 * events are written back in bulk. Uploads from one device are serialised by an advisory lock, so
 * a retried batch finds the first one's scans and answers with their recorded outcomes.
 */
@Injectable()
export class ScansService {
  thresholds: ScanThresholds = DEFAULT_SCAN_THRESHOLDS;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly ledger: LedgerService,
    private readonly containers: ContainersService,
  ) {}

  /** A batch from one caller: one transaction. */
  async process(actor: CommandActor, scans: ScanDto[]): Promise<ScanOutcome[]> {
    return this.processMany(scans.map((scan) => ({ actor, scan })));
  }

  async processMany(items: ActorScan[]): Promise<ScanOutcome[]> {
    const receivedAt = new Date();
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction((m) => this.processIn(m, items, receivedAt));
      } catch (error) {
        // Deadlock, serialization failure, or a retry that raced its original to the (device, key)
        // index: the whole group rolled back, so it is safe to run it again.
        const code = (error as { code?: string; driverError?: { code?: string } }).driverError?.code ?? (error as { code?: string }).code;
        if (attempt >= 3 || (code !== '40P01' && code !== '40001' && code !== '23505')) throw error;
      }
    }
  }

  /**
   * A single scan, coalesced with the single scans that arrive while a group is being written
   * (group commit): under load many scanners share one transaction and its round trips; when idle
   * a scan is written at once. Outcomes are per scan, so sharing a transaction changes nothing else.
   */
  processOne(actor: CommandActor, scan: ScanDto): Promise<ScanOutcome> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item: { actor, scan }, resolve, reject });
      this.flush();
    });
  }

  private readonly pending: { item: ActorScan; resolve: (o: ScanOutcome) => void; reject: (e: unknown) => void }[] = [];
  private inFlight = 0;
  private static readonly MAX_GROUPS_IN_FLIGHT = 1;
  private static readonly MAX_GROUP = 200;

  private flush(): void {
    if (this.inFlight >= ScansService.MAX_GROUPS_IN_FLIGHT || this.pending.length === 0) return;
    const group = this.pending.splice(0, ScansService.MAX_GROUP);
    this.inFlight++;
    void this.processMany(group.map((g) => g.item))
      .then(
        (outcomes) => group.forEach((g, i) => g.resolve(outcomes[i])),
        async (error: unknown) => {
          if (group.length === 1) return group[0].reject(error);
          // One scan must not fail its neighbours: fall back to writing each on its own.
          for (const g of group) await this.processMany([g.item]).then((o) => g.resolve(o[0]), g.reject);
        },
      )
      .finally(() => {
        this.inFlight--;
        this.flush();
      });
  }

  private async processIn(m: EntityManager, input: ActorScan[], receivedAt: Date): Promise<ScanOutcome[]> {
    const scans = input.map((i) => i.scan);
    const fingerprints = scans.map(fingerprintOf);
    // The codes the labels claim decide what to load; each label is then checked against the digest
    // of the label its container was issued, or failing that by its signature (checkIssuedPayload).
    const claimed = scans.map((scan) => this.containers.claimedCode(scan.label));
    const loaded = await this.load(m, scans, [...new Set(claimed.filter((c): c is string => c !== null))]);
    const digestByCode = new Map(loaded.containers.map((c) => [c.code, c.label_digest === null ? null : Buffer.from(c.label_digest, 'hex')]));
    const checks = scans.map((scan, i) => this.containers.checkIssuedPayload(scan.label, digestByCode.get(claimed[i] ?? '') ?? null));
    const previous = new Map(loaded.previous.map((r) => [`${r.device_id}\u0000${r.idempotency_key}`, r]));

    const results: ScanOutcome[] = new Array(scans.length);
    const fresh: NewScanRow[] = [];
    const seenInBatch = new Map<string, number>();
    for (const [index, scan] of scans.entries()) {
      const key = `${scan.deviceId}\u0000${scan.idempotencyKey}`;
      const prior = previous.get(key);
      const earlier = seenInBatch.get(key);
      if (prior || earlier !== undefined) {
        const sameRequest = prior ? prior.request_fingerprint === fingerprints[index] : fingerprints[earlier!] === fingerprints[index];
        results[index] = !sameRequest
          ? { idempotencyKey: scan.idempotencyKey, accepted: false, code: 'IDEMPOTENCY_KEY_REUSED', params: { key: scan.idempotencyKey }, duplicate: false, containerId: null }
          : prior
            ? { idempotencyKey: scan.idempotencyKey, accepted: prior.accepted, code: prior.outcome_code, params: prior.outcome_params, duplicate: true, containerId: prior.container_id }
            : { ...results[earlier!], duplicate: true };
        continue;
      }
      seenInBatch.set(key, index);
      const check = checks[index];
      const row: NewScanRow = {
        index,
        actor: input[index].actor,
        scan,
        fingerprint: fingerprints[index],
        containerId: null,
        claimedCode: check.ok ? check.code : check.claimedCode,
        outcome: { idempotencyKey: scan.idempotencyKey, accepted: false, code: 'PENDING', params: {}, duplicate: false, containerId: null },
      };
      if (!check.ok) row.outcome.code = check.reason;
      const skew = new Date(scan.deviceTime).getTime() - receivedAt.getTime();
      if (check.ok && skew > this.thresholds.maxFutureSkewMs) {
        row.outcome.code = 'CLOCK_SKEW';
        row.outcome.params = { seconds: Math.round(skew / 1000) };
      }
      fresh.push(row);
      results[index] = row.outcome;
    }

    const idByCode = new Map(loaded.containers.map((c) => [c.code, c.id]));
    const manifests = new Map<string, ManifestState>();
    for (const row of loaded.manifests) manifests.set(row.id, { ...row, arrived_at: row.arrived_at ? new Date(row.arrived_at) : null, legs: [], arrivedNow: false });
    for (const leg of loaded.legs.sort((a, b) => a.leg_no - b.leg_no)) manifests.get(leg.manifest_id)?.legs.push(leg);
    const items = loaded.items.map((i) => ({
      ...i,
      loaded_at: i.loaded_at ? new Date(i.loaded_at) : null,
      arrived_at: i.arrived_at ? new Date(i.arrived_at) : null,
    }));
    const itemKey = (manifestId: string, containerId: string): string => `${manifestId}/${containerId}`;
    const itemMap = new Map(items.map((i) => [itemKey(i.manifest_id, i.container_id), { ...i, dirty: false }]));
    // What each container on a manifest holds, indexed once: looked up per scan, so never a scan of every item.
    const contents = new Map<string, ItemState[]>();
    for (const i of itemMap.values()) {
      if (i.packed_in === null) continue;
      const k = itemKey(i.manifest_id, i.packed_in);
      const list = contents.get(k);
      if (list) list.push(i);
      else contents.set(k, [i]);
    }
    const contentsOf = (manifestId: string, containerId: string): ItemState[] => contents.get(itemKey(manifestId, containerId)) ?? [];

    const events: NewLedgerEvent[] = [];
    const discrepancies: Discrepancy[] = [];
    const ordered = fresh
      .filter((r) => r.outcome.code === 'PENDING')
      .sort((a, b) => new Date(a.scan.deviceTime).getTime() - new Date(b.scan.deviceTime).getTime() || a.index - b.index);

    for (const row of ordered) {
      const { scan, actor } = row;
      const dt = new Date(scan.deviceTime);
      const containerId = idByCode.get(row.claimedCode!) ?? null;
      row.containerId = containerId;
      row.outcome.containerId = containerId;
      const reject = (code: string, params: Record<string, unknown> = {}): void => {
        row.outcome.code = code;
        row.outcome.params = params;
      };
      const man = manifests.get(scan.manifestId);
      if (!containerId) {
        reject('LABEL_NOT_ISSUED');
        continue;
      }
      if (!man) {
        reject('MANIFEST_NOT_FOUND');
        continue;
      }
      // Someone with no part in a manifest must not learn that it exists, nor leave scans on it.
      const party = man.generator_id === actor.organisationId || man.receiver_id === actor.organisationId || man.legs.some((l) => l.carrier_id === actor.organisationId);
      if (!party) {
        row.hidden = true;
        reject('MANIFEST_NOT_FOUND');
        continue;
      }
      const item = itemMap.get(itemKey(man.id, containerId));
      const number = man.number ?? man.id;
      const code = row.claimedCode!;
      if (man.status === 'draft') {
        reject('MANIFEST_NOT_SUBMITTED', { number, status: man.status });
        continue;
      }
      if (['cancelled', 'completed', 'confirmed', 'received'].includes(man.status)) {
        reject('MANIFEST_WRONG_STATUS', { number, status: man.status, expected: 'submitted / in_transit / arrived' });
        continue;
      }
      let legNo = 0;
      // Whoever scans takes custody: the loading carrier, the next carrier, the receiver.
      const newHolder = actor.organisationId;
      if (scan.kind === 'load') {
        if (man.legs[0]?.carrier_id !== actor.organisationId) {
          reject('NOT_A_PARTY');
          continue;
        }
        if (!item) {
          reject('CONTAINER_NOT_ON_MANIFEST', { code, number });
          continue;
        }
        if (item.loaded_at) {
          reject('ALREADY_LOADED', { code });
          continue;
        }
        if (item.arrived_at && dt > item.arrived_at) {
          reject('EVENTS_OUT_OF_ORDER', { kind: scan.kind, code });
          continue;
        }
        legNo = 1;
      } else if (scan.kind === 'handover') {
        if (!item) {
          reject('CONTAINER_NOT_ON_MANIFEST', { code, number });
          continue;
        }
        const leg = man.legs.find((l) => l.leg_no >= 2 && l.carrier_id === actor.organisationId && l.leg_no > (item.current_leg ?? 0));
        if (!leg) {
          reject(man.legs.some((l) => l.leg_no >= 2 && l.carrier_id === actor.organisationId) ? 'LEG_ORDER' : 'NOT_A_PARTY', {
            code,
            current: item.current_leg ?? 0,
            leg: item.current_leg ?? 0,
            previous: (item.current_leg ?? 1) - 1,
          });
          continue;
        }
        if (!item.loaded_at) {
          reject('NOT_LOADED', { code });
          continue;
        }
        if (item.arrived_at) {
          reject('ALREADY_RECEIVED', { code });
          continue;
        }
        if ((item.current_leg ?? 0) !== leg.leg_no - 1) {
          reject('LEG_ORDER', { code, current: item.current_leg ?? 0, leg: leg.leg_no, previous: leg.leg_no - 1 });
          continue;
        }
        if (dt < item.loaded_at) {
          reject('EVENTS_OUT_OF_ORDER', { kind: KIND_ZH[scan.kind], code });
          continue;
        }
        legNo = leg.leg_no;
      } else {
        if (man.receiver_id !== actor.organisationId) {
          reject('NOT_A_PARTY');
          continue;
        }
        if (!item) {
          reject('CONTAINER_NOT_ON_MANIFEST', { code, number });
          discrepancies.push({ actor, manifestId: man.id, containerId, kind: 'not_on_manifest', declared: null, measured: scan.weightKg ?? null, detail: 'arrived but not listed' });
          continue;
        }
        if (item.arrived_at) {
          reject('ALREADY_RECEIVED', { code });
          continue;
        }
        if (item.loaded_at && dt < item.loaded_at) {
          reject('EVENTS_OUT_OF_ORDER', { kind: KIND_ZH[scan.kind], code });
          continue;
        }
      }

      // Accepted: apply to the scanned container and everything packed inside it.
      row.outcome.code = 'ACCEPTED';
      row.outcome.accepted = true;
      for (const it of [item, ...contentsOf(man.id, containerId)]) {
        if (scan.kind === 'load') {
          if (it.loaded_at) continue;
          it.loaded_at = dt;
          it.current_leg = Math.max(it.current_leg ?? 0, 1);
          if (it.container_status === 'on_manifest') {
            it.container_status = 'in_transit';
            it.holder_id = newHolder;
          }
        } else if (scan.kind === 'handover') {
          it.current_leg = legNo;
          if (!it.arrived_at) it.holder_id = newHolder;
        } else {
          if (it.arrived_at) continue;
          it.arrived_at = dt;
          it.container_status = 'received';
          it.holder_id = newHolder;
          if (it === item && scan.weightKg !== undefined) it.received_weight_kg = String(scan.weightKg);
          if (!it.loaded_at) {
            discrepancies.push({ actor, manifestId: man.id, containerId: it.container_id, kind: 'no_loading_scan', declared: null, measured: null, detail: 'arrived without a loading scan' });
          }
        }
        it.dirty = true;
      }
      if (scan.kind === 'arrive') {
        if (scan.weightKg !== undefined) {
          const declared = Number(item.declared_weight_kg) + contentsOf(man.id, containerId).reduce((s, i) => s + Number(i.declared_weight_kg), 0);
          const diff = Math.abs(scan.weightKg - declared);
          if (diff > this.thresholds.weightToleranceKg && diff > declared * this.thresholds.weightToleranceRatio) {
            discrepancies.push({ actor, manifestId: man.id, containerId, kind: 'weight', declared, measured: scan.weightKg, detail: `difference ${Math.round(diff * 1000) / 1000} kg` });
          }
        }
        if (!man.arrived_at || dt < man.arrived_at) man.arrived_at = dt;
        man.arrivedNow = true;
      }
      events.push({
        subjectType: 'container',
        subjectId: containerId,
        type: `scan.${scan.kind}`,
        actor: { ...actor, device: scan.deviceId },
        deviceTime: dt,
        payload: {
          manifestId: man.id,
          deviceId: scan.deviceId,
          idempotencyKey: scan.idempotencyKey,
          ...(legNo ? { legNo } : {}),
          ...(scan.weightKg !== undefined ? { weightKg: scan.weightKg } : {}),
          ...(scan.lat !== undefined && scan.lng !== undefined ? { lat: scan.lat, lng: scan.lng } : {}),
          receivedAt: receivedAt.toISOString(),
        },
      });
    }

    // Refused labels are evidence for the regulator.
    for (const row of fresh.filter((r) => r.outcome.code === 'LABEL_MALFORMED' || r.outcome.code === 'LABEL_SIGNATURE_INVALID' || r.outcome.code === 'LABEL_NOT_ISSUED')) {
      await this.containers.recordRejectionIn(m, { ...row.actor, device: row.scan.deviceId }, row.scan.label, row.outcome.code, row.claimedCode);
    }

    await this.writeBack(m, receivedAt, fresh, [...itemMap.values()].filter((i) => i.dirty), [...manifests.values()], discrepancies, events);
    return results;
  }

  /**
   * Everything a group of scans needs, in one round trip: the per-device advisory locks that
   * serialise retries, earlier outcomes of the same (device, key), the containers the labels name,
   * and the manifests, legs and items they touch, locked in a fixed order (devices, then manifests,
   * then items) so concurrent groups cannot deadlock. The statement's snapshot predates the lock
   * wait, so a retry racing its original may miss it here; the unique (device, key) index then
   * refuses the second insert and the group is run again (processMany), seeing the first.
   */
  private async load(
    m: EntityManager,
    scans: ScanDto[],
    codes: string[],
  ): Promise<{
    previous: { device_id: string; idempotency_key: string; accepted: boolean; outcome_code: string; outcome_params: Record<string, unknown>; container_id: string | null; request_fingerprint: string }[];
    containers: { id: string; code: string; label_digest: string | null }[];
    manifests: (Omit<ManifestState, 'legs' | 'arrivedNow' | 'arrived_at'> & { arrived_at: string | null })[];
    legs: LegRow[];
    items: (Omit<ItemState, 'loaded_at' | 'arrived_at' | 'dirty'> & { loaded_at: string | null; arrived_at: string | null; dirty: boolean })[];
  }> {
    const devices = [...new Set(scans.map((s) => s.deviceId))].sort();
    const manifestIds = [...new Set(scans.map((s) => s.manifestId))].sort();
    const [row] = (await queryPrepared(
      m,
      'scans.load',
      `WITH locks AS MATERIALIZED (
         SELECT count(pg_advisory_xact_lock(hashtext('scan-device:' || d))) AS n FROM unnest($1::text[]) AS d
       ),
       prev AS (
         SELECT s.device_id, s.idempotency_key, s.accepted, s.outcome_code, s.outcome_params, s.container_id, s.request_fingerprint
           FROM scans s JOIN unnest($2::text[], $3::text[]) AS k(d, i) ON s.device_id = k.d AND s.idempotency_key = k.i
          WHERE (SELECT n FROM locks) >= 0
       ),
       cont AS MATERIALIZED (SELECT id, code, encode(label_digest, 'hex') AS label_digest FROM containers WHERE code = ANY($4::text[])),
       man AS MATERIALIZED (
         SELECT id, number, status, generator_id, receiver_id, arrived_at FROM manifests
          WHERE id = ANY($5::uuid[]) AND (SELECT n FROM locks) >= 0 ORDER BY id FOR UPDATE
       ),
       legs AS (SELECT l.* FROM manifest_legs l WHERE l.manifest_id IN (SELECT id FROM man)),
       -- The scanned containers' items and those of their contents, each found through an index on
       -- the container (never by scanning a manifest's items: a manifest may list thousands).
       item_keys AS MATERIALIZED (
         SELECT i.manifest_id, i.container_id FROM manifest_items i
          WHERE i.container_id IN (SELECT id FROM cont) AND i.manifest_id IN (SELECT id FROM man)
         UNION
         SELECT i.manifest_id, i.container_id FROM manifest_items i
          WHERE i.packed_in IN (SELECT id FROM cont) AND i.manifest_id IN (SELECT id FROM man)
       ),
       items AS MATERIALIZED (
         SELECT i.manifest_id, i.container_id, i.packed_in, i.declared_weight_kg, i.current_leg, i.loaded_at, i.arrived_at, i.received_weight_kg,
                c.code, c.status AS container_status, c.holder_id
           FROM item_keys k
           JOIN manifest_items i ON i.manifest_id = k.manifest_id AND i.container_id = k.container_id
           JOIN containers c ON c.id = i.container_id
          ORDER BY i.manifest_id, i.container_id
          FOR UPDATE OF i, c
       )
       SELECT (SELECT coalesce(json_agg(prev), '[]') FROM prev) AS previous,
              (SELECT coalesce(json_agg(cont), '[]') FROM cont) AS containers,
              (SELECT coalesce(json_agg(man), '[]') FROM man) AS manifests,
              (SELECT coalesce(json_agg(legs), '[]') FROM legs) AS legs,
              (SELECT coalesce(json_agg(items), '[]') FROM items) AS items`,
      [devices, scans.map((s) => s.deviceId), scans.map((s) => s.idempotencyKey), codes, manifestIds],
    )) as Awaited<ReturnType<ScansService['load']>>[];
    return row;
  }

  /**
   * Writes a group's outcome in one statement: the scan records (accepted or not; a scan naming a
   * manifest that does not exist is kept without the link), the items and containers it moved, the
   * manifests that saw arrivals and the discrepancies found. Then the ledger events.
   */
  private async writeBack(
    m: EntityManager,
    receivedAt: Date,
    fresh: NewScanRow[],
    dirty: ItemState[],
    manifests: ManifestState[],
    discrepancies: Discrepancy[],
    events: NewLedgerEvent[],
  ): Promise<void> {
    const known = new Set(manifests.map((x) => x.id));
    const arrived = manifests.filter((x) => x.arrivedNow);
    const col = <T>(rows: T[], f: (r: T) => unknown): unknown[] => rows.map(f);
    await queryPrepared(
      m,
      'scans.write-back',
      `WITH new_scans AS (
         INSERT INTO scans (device_id, idempotency_key, kind, manifest_id, container_id, claimed_code, organisation_id, user_id, device_time,
                            received_at, lat, lng, weight_kg, accepted, outcome_code, outcome_params, request_fingerprint)
         SELECT d, k, kd, mid, cid, cc, org, usr, dt, $1, la, ln, w, acc, oc, op, fp
           FROM unnest($2::text[], $3::text[], $4::text[], $5::uuid[], $6::uuid[], $7::text[], $8::uuid[], $9::uuid[], $10::timestamptz[],
                       $11::numeric[], $12::numeric[], $13::numeric[], $14::bool[], $15::text[], $16::jsonb[], $17::text[])
                AS t(d, k, kd, mid, cid, cc, org, usr, dt, la, ln, w, acc, oc, op, fp)
         RETURNING 1
       ),
       moved_items AS (
         UPDATE manifest_items i SET loaded_at = u.l, arrived_at = u.a, current_leg = u.leg, received_weight_kg = u.w
           FROM unnest($18::uuid[], $19::uuid[], $20::timestamptz[], $21::timestamptz[], $22::int[], $23::numeric[]) AS u(mid, cid, l, a, leg, w)
          WHERE i.manifest_id = u.mid AND i.container_id = u.cid
         RETURNING 1
       ),
       moved_containers AS (
         UPDATE containers c SET status = u.s, holder_id = u.h, updated_at = now()
           FROM unnest($24::uuid[], $25::text[], $26::uuid[]) AS u(id, s, h) WHERE c.id = u.id
         RETURNING 1
       ),
       arrivals AS (
         UPDATE manifests x SET arrived_at = u.a, updated_at = now(),
                status = CASE WHEN x.status IN ('submitted','in_transit') THEN 'arrived' ELSE x.status END
           FROM unnest($27::uuid[], $28::timestamptz[]) AS u(id, a) WHERE x.id = u.id
         RETURNING 1
       ),
       found AS (
         INSERT INTO discrepancies (manifest_id, container_id, kind, declared_kg, measured_kg, detail)
         SELECT * FROM unnest($29::uuid[], $30::uuid[], $31::text[], $32::numeric[], $33::numeric[], $34::text[])
         RETURNING 1
       )
       SELECT (SELECT count(*) FROM new_scans) + (SELECT count(*) FROM moved_items) + (SELECT count(*) FROM moved_containers)
            + (SELECT count(*) FROM arrivals) + (SELECT count(*) FROM found) AS n`,
      [
        receivedAt,
        col(fresh, (r) => r.scan.deviceId),
        col(fresh, (r) => r.scan.idempotencyKey),
        col(fresh, (r) => r.scan.kind),
        col(fresh, (r) => (known.has(r.scan.manifestId) && !r.hidden ? r.scan.manifestId : null)),
        col(fresh, (r) => r.containerId),
        col(fresh, (r) => r.claimedCode),
        col(fresh, (r) => r.actor.organisationId),
        col(fresh, (r) => r.actor.userId),
        col(fresh, (r) => new Date(r.scan.deviceTime)),
        col(fresh, (r) => r.scan.lat ?? null),
        col(fresh, (r) => r.scan.lng ?? null),
        col(fresh, (r) => r.scan.weightKg ?? null),
        col(fresh, (r) => r.outcome.accepted),
        col(fresh, (r) => r.outcome.code),
        col(fresh, (r) => JSON.stringify(r.outcome.params)),
        col(fresh, (r) => r.fingerprint),
        col(dirty, (i) => i.manifest_id),
        col(dirty, (i) => i.container_id),
        col(dirty, (i) => i.loaded_at),
        col(dirty, (i) => i.arrived_at),
        col(dirty, (i) => i.current_leg),
        col(dirty, (i) => i.received_weight_kg),
        col(dirty, (i) => i.container_id),
        col(dirty, (i) => i.container_status),
        col(dirty, (i) => i.holder_id),
        col(arrived, (x) => x.id),
        col(arrived, (x) => x.arrived_at),
        col(discrepancies, (d) => d.manifestId),
        col(discrepancies, (d) => d.containerId),
        col(discrepancies, (d) => d.kind),
        col(discrepancies, (d) => d.declared),
        col(discrepancies, (d) => d.measured),
        col(discrepancies, (d) => d.detail),
      ],
    );
    for (const d of discrepancies) {
      events.push({ subjectType: 'manifest', subjectId: d.manifestId, type: 'manifest.discrepancy', actor: d.actor, payload: { containerId: d.containerId, kind: d.kind, declaredKg: d.declared, measuredKg: d.measured, detail: d.detail } });
    }
    if (events.length) await this.ledger.appendMany(m, events);
  }
}
