import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { SIGNING_KEY, SigningKey, VERIFYING_KEYS, VerifyingKey } from '@app/config';
import { DomainException } from '@app/errors';
import { LedgerService, LedgerActor, NewLedgerEvent } from '@app/ledger';
import { LicenceCheckService } from '@app/parties';
import { MAX_SEQUENCE, chinaDate, formatContainerCode } from './container-code';
import { ContainerStatus, assertTransition } from './container-state';
import { NewContainerDto, RegisteredContainerDto, RepackageDto } from './container.dto';
import { checkIssuedLabel, checkLabel, labelDigest, parseLabel, signLabel } from './label-signature';
import './containers.errors';

export interface ContainerRow {
  id: string;
  code: string;
  organisation_id: string;
  holder_id: string;
  waste_code: string;
  is_medical: boolean;
  waste_name: string;
  components: string;
  physical_form: string;
  hazard_codes: string[];
  container_type: string;
  volume_litres: string;
  net_weight_kg: string;
  generated_at: Date;
  status: ContainerStatus;
  parent_id: string | null;
  facility_id: string | null;
  stored_since: Date | null;
  notes: string;
  created_at: Date;
  /** Set by own disposal (自行利用处置) only. */
  disposal_method?: string | null;
  disposed_at?: Date | null;
}

/** Who does something, for the ledger: the organisation, the user and the device. */
export interface CommandActor extends LedgerActor {
  organisationId: string;
  userId: string;
}

const OUTER_TYPES = new Set(['turnover_box', 'tonne_bag', 'pallet']);

/**
 * Containers: registration with race-free codes and signed labels, label verification, storage
 * (入库/出库), packing and repackaging. Each command is one transaction that changes the
 * projection tables and appends its ledger events together.
 */
@Injectable()
export class ContainersService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(SIGNING_KEY) private readonly key: SigningKey,
    @Inject(VERIFYING_KEYS) private readonly keys: VerifyingKey[],
    private readonly ledger: LedgerService,
    private readonly licences: LicenceCheckService,
  ) {}

  qrPayload(code: string): string {
    return signLabel(this.key, code);
  }

  async register(actor: CommandActor, items: NewContainerDto[], facilityId?: string): Promise<RegisteredContainerDto[]> {
    return this.db.transaction((m) => this.registerIn(m, actor, items, facilityId));
  }

  /** Registration inside a caller's transaction (repackaging registers its outputs this way). */
  async registerIn(m: EntityManager, actor: CommandActor, items: NewContainerDto[], facilityId?: string): Promise<RegisteredContainerDto[]> {
    const [org] = (await m.query(`SELECT uscc, roles FROM organisations WHERE id = $1`, [actor.organisationId])) as {
      uscc: string;
      roles: string[];
    }[];
    if (!org || !(org.roles.includes('generator') || org.roles.includes('collector'))) throw new DomainException('NOT_A_GENERATOR');
    if (facilityId) await this.assertOwnFacility(m, actor.organisationId, facilityId);

    const codes = [...new Set(items.map((i) => i.wasteCode))];
    const catalogue = new Map(
      ((await m.query(`SELECT code, hazard_codes, is_medical FROM waste_codes WHERE code = ANY($1)`, [codes])) as {
        code: string;
        hazard_codes: string[];
        is_medical: boolean;
      }[]).map((r) => [r.code, r]),
    );
    const prepared = items.map((item) => {
      const entry = catalogue.get(item.wasteCode);
      if (!entry) throw new DomainException('WASTE_CODE_UNKNOWN', { code: item.wasteCode }, { wasteCode: item.wasteCode });
      const hazards = item.hazards ? [...new Set(item.hazards)] : entry.hazard_codes;
      const extra = hazards.filter((h) => !entry.hazard_codes.includes(h));
      if (extra.length) {
        throw new DomainException('HAZARD_NOT_IN_CATALOGUE', { hazards: extra.join(','), code: item.wasteCode }, { wasteCode: item.wasteCode, allowed: entry.hazard_codes });
      }
      const generatedAt = new Date(item.generatedAt);
      return { item, hazards, isMedical: entry.is_medical, generatedAt, day: chinaDate(generatedAt) };
    });

    // One upsert allocates every (waste code, day) group's block of sequence numbers. Keys are
    // sorted so concurrent batches lock them in the same order and cannot deadlock.
    const groups = new Map<string, { wasteCode: string; day: string; count: number; next: number }>();
    for (const p of prepared) {
      const k = `${p.item.wasteCode}|${p.day}`;
      const g = groups.get(k) ?? { wasteCode: p.item.wasteCode, day: p.day, count: 0, next: 0 };
      g.count++;
      groups.set(k, g);
    }
    const sorted = [...groups.values()].sort((a, b) => (a.wasteCode + a.day).localeCompare(b.wasteCode + b.day));
    const allocated = (await m.query(
      `INSERT INTO container_sequences AS s (organisation_id, waste_code, day, last_seq)
       SELECT $1, w, d, n FROM unnest($2::text[], $3::date[], $4::int[]) WITH ORDINALITY AS t(w, d, n, i) ORDER BY i
       ON CONFLICT (organisation_id, waste_code, day) DO UPDATE SET last_seq = s.last_seq + EXCLUDED.last_seq
       RETURNING waste_code, to_char(day, 'YYYY-MM-DD') AS day, last_seq`,
      [actor.organisationId, sorted.map((g) => g.wasteCode), sorted.map((g) => g.day), sorted.map((g) => g.count)],
    )) as { waste_code: string; day: string; last_seq: number }[];
    for (const row of allocated) {
      const g = groups.get(`${row.waste_code}|${row.day}`)!;
      if (row.last_seq > MAX_SEQUENCE) {
        throw new DomainException('SEQUENCE_EXHAUSTED', {}, { wasteCode: row.waste_code, day: row.day, max: MAX_SEQUENCE });
      }
      g.next = row.last_seq - g.count + 1;
    }
    const rows = prepared.map((p) => {
      const g = groups.get(`${p.item.wasteCode}|${p.day}`)!;
      const code = formatContainerCode(org.uscc, p.item.wasteCode, p.day, g.next++);
      return { ...p, code, qrPayload: this.qrPayload(code) };
    });

    const now = new Date();
    const inserted = (await m.query(
      `INSERT INTO containers (code, organisation_id, holder_id, waste_code, is_medical, waste_name, components, physical_form,
                               hazard_codes, container_type, volume_litres, net_weight_kg, generated_at, status, facility_id, stored_since, notes, label_digest)
       SELECT c, $1, $1, w, med, wn, comp, pf, string_to_array(hz, ','), ct, vol, kg, gen,
              CASE WHEN $2::uuid IS NULL THEN 'registered' ELSE 'stored' END, $2::uuid,
              CASE WHEN $2::uuid IS NULL THEN NULL ELSE $3::timestamptz END, nt, ld
         FROM unnest($4::text[], $5::text[], $6::bool[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[],
                     $12::numeric[], $13::numeric[], $14::timestamptz[], $15::text[], $16::bytea[])
              WITH ORDINALITY AS t(c, w, med, wn, comp, pf, hz, ct, vol, kg, gen, nt, ld, i)
        ORDER BY i
       RETURNING id, code`,
      [
        actor.organisationId,
        facilityId ?? null,
        now,
        rows.map((r) => r.code),
        rows.map((r) => r.item.wasteCode),
        rows.map((r) => r.isMedical),
        rows.map((r) => r.item.wasteName),
        rows.map((r) => r.item.components ?? ''),
        rows.map((r) => r.item.physicalForm),
        rows.map((r) => r.hazards.join(',')),
        rows.map((r) => r.item.containerType),
        rows.map((r) => r.item.volumeLitres),
        rows.map((r) => r.item.netWeightKg),
        rows.map((r) => r.generatedAt),
        rows.map((r) => r.item.notes ?? ''),
        rows.map((r) => labelDigest(r.qrPayload)),
      ],
    )) as { id: string; code: string }[];
    const idByCode = new Map(inserted.map((r) => [r.code, r.id]));

    const events: NewLedgerEvent[] = rows.map((r) => ({
      subjectType: 'container',
      subjectId: idByCode.get(r.code)!,
      type: 'container.registered',
      actor,
      payload: {
        code: r.code,
        organisationId: actor.organisationId,
        wasteCode: r.item.wasteCode,
        wasteName: r.item.wasteName,
        components: r.item.components ?? '',
        physicalForm: r.item.physicalForm,
        hazards: r.hazards,
        containerType: r.item.containerType,
        volumeLitres: r.item.volumeLitres,
        netWeightKg: r.item.netWeightKg,
        generatedAt: r.generatedAt.toISOString(),
        notes: r.item.notes ?? '',
        ...(facilityId ? { storedIn: facilityId } : {}),
      },
    }));
    if (facilityId) {
      await m.query(
        `INSERT INTO storage_stays (container_id, facility_id, in_at) SELECT unnest($1::uuid[]), $2, $3`,
        [inserted.map((r) => r.id), facilityId, now],
      );
    }
    await this.ledger.appendMany(m, events);
    return rows.map((r) => ({ id: idByCode.get(r.code)!, code: r.code, qrPayload: r.qrPayload }));
  }

  /**
   * Verifies scanned labels and returns their containers, in request order. A label that fails is
   * recorded (in its own transaction, so the evidence survives the refused command) and refused.
   */
  async resolveLabels(m: EntityManager, actor: CommandActor, labels: string[], lock = true): Promise<ContainerRow[]> {
    const codes: string[] = [];
    for (const label of labels) {
      const check = checkLabel(this.keys, label);
      if (!check.ok) {
        await this.recordRejection(actor, label, check.reason, check.claimedCode);
        throw new DomainException(check.reason, {}, { claimedCode: check.claimedCode });
      }
      codes.push(check.code);
    }
    const seen = new Set<string>();
    for (const code of codes) {
      if (seen.has(code)) throw new DomainException('DUPLICATE_IN_REQUEST', { code }, { code });
      seen.add(code);
    }
    const rows = (await m.query(
      `SELECT * FROM containers WHERE code = ANY($1) ORDER BY id ${lock ? 'FOR UPDATE' : ''}`,
      [codes],
    )) as ContainerRow[];
    const byCode = new Map(rows.map((r) => [r.code, r]));
    for (const [i, code] of codes.entries()) {
      if (!byCode.has(code)) {
        await this.recordRejection(actor, labels[i], 'LABEL_NOT_ISSUED', code);
        throw new DomainException('LABEL_NOT_ISSUED', {}, { claimedCode: code });
      }
    }
    return codes.map((c) => byCode.get(c)!);
  }

  /** A single label check for scanners: the container when genuine, a recorded rejection when not. */
  async verifyLabel(actor: CommandActor, payload: string): Promise<ContainerRow> {
    const [row] = await this.db.transaction((m) => this.resolveLabels(m, actor, [payload], false));
    return row;
  }

  private async recordRejection(actor: CommandActor, payload: string, reason: string, claimedCode: string | null): Promise<void> {
    await this.db.transaction((m) => this.recordRejectionIn(m, actor, payload, reason, claimedCode));
  }

  /** Keeps a refused label as evidence and tells the ledger (reconciliation raises the alert). */
  async recordRejectionIn(m: EntityManager, actor: CommandActor, payload: string, reason: string, claimedCode: string | null): Promise<void> {
    const [rejection] = (await m.query(
      `INSERT INTO label_rejections (organisation_id, user_id, device, reason, payload, claimed_code)
       VALUES ($1,$2,$3,$4,$5,$6) RETURNING id`,
      [actor.organisationId, actor.userId, actor.device ?? null, reason, payload.slice(0, 300), claimedCode],
    )) as { id: string }[];
    await this.ledger.append(m, {
      subjectType: 'organisation',
      subjectId: actor.organisationId,
      type: 'label.rejected',
      actor,
      payload: { rejectionId: String(rejection.id), reason, claimedCode, payload: payload.slice(0, 300) },
    });
  }

  /** The code a payload claims, before any check (to look up the container and its label digest). */
  claimedCode(payload: string): string | null {
    const parsed = parseLabel(payload);
    return parsed.ok ? parsed.code : parsed.claimedCode;
  }

  /** A scanned payload checked against the label its container was issued (label_digest), else by its signature. */
  checkIssuedPayload(payload: string, issuedDigest: Buffer | null): ReturnType<typeof checkLabel> {
    return checkIssuedLabel(this.keys, payload, issuedDigest);
  }

  private async assertOwnFacility(m: EntityManager, organisationId: string, facilityId: string): Promise<void> {
    const rows = (await m.query(`SELECT 1 FROM facilities WHERE id = $1 AND organisation_id = $2`, [facilityId, organisationId])) as unknown[];
    if (!rows.length) throw new DomainException('FACILITY_NOT_FOUND');
  }

  private assertHeld(actor: CommandActor, containers: ContainerRow[]): void {
    for (const c of containers) {
      if (c.holder_id !== actor.organisationId) throw new DomainException('CONTAINER_NOT_HELD', { code: c.code }, { code: c.code });
    }
  }

  /** The containers and everything packed inside them, locked, parents first. */
  private async withContents(m: EntityManager, ids: string[]): Promise<ContainerRow[]> {
    return (await m.query(
      `WITH RECURSIVE tree AS (
         SELECT id FROM containers WHERE id = ANY($1)
         UNION
         SELECT c.id FROM containers c JOIN tree t ON c.parent_id = t.id
       )
       SELECT c.* FROM containers c JOIN tree USING (id) ORDER BY c.id FOR UPDATE OF c`,
      [ids],
    )) as ContainerRow[];
  }

  /** 入库: book scanned containers (and what is packed in them) into one of the caller's storage facilities. */
  async stockIn(actor: CommandActor, facilityId: string, labels: string[]): Promise<ContainerRow[]> {
    return this.db.transaction(async (m) => {
      await this.assertOwnFacility(m, actor.organisationId, facilityId);
      const scanned = await this.resolveLabels(m, actor, labels);
      this.assertHeld(actor, scanned);
      const all = await this.withContents(m, scanned.map((c) => c.id));
      for (const c of all) assertTransition(c.code, c.status, 'stored');
      const ids = all.map((c) => c.id);
      const now = new Date();
      await m.query(
        `UPDATE containers SET status = 'stored', facility_id = $2, stored_since = $3, updated_at = $3 WHERE id = ANY($1)`,
        [ids, facilityId, now],
      );
      await m.query(`INSERT INTO storage_stays (container_id, facility_id, in_at) SELECT unnest($1::uuid[]), $2, $3`, [ids, facilityId, now]);
      await this.ledger.appendMany(
        m,
        all.map((c) => ({ subjectType: 'container', subjectId: c.id, type: 'container.stored', actor, payload: { facilityId, from: c.status } })),
      );
      return this.byIds(m, ids);
    });
  }

  /** 出库: take scanned containers (and their contents) out of storage. */
  async stockOut(actor: CommandActor, facilityId: string, labels: string[]): Promise<ContainerRow[]> {
    return this.db.transaction(async (m) => {
      await this.assertOwnFacility(m, actor.organisationId, facilityId);
      const scanned = await this.resolveLabels(m, actor, labels);
      this.assertHeld(actor, scanned);
      const all = await this.withContents(m, scanned.map((c) => c.id));
      for (const c of all) {
        if (c.facility_id !== facilityId) throw new DomainException('CONTAINER_TRANSITION_NOT_ALLOWED', { code: c.code, current: c.status, requested: 'registered', allowed: 'stock-in first' }, { code: c.code, facilityId: c.facility_id });
        assertTransition(c.code, c.status, 'registered');
      }
      const ids = all.map((c) => c.id);
      await this.takeOutOfStorage(m, ids, 'registered');
      await this.ledger.appendMany(
        m,
        all.map((c) => ({
          subjectType: 'container',
          subjectId: c.id,
          type: 'container.unstored',
          actor,
          payload: { facilityId, storedSince: c.stored_since?.toISOString() ?? null },
        })),
      );
      return this.byIds(m, ids);
    });
  }

  /**
   * 自行利用处置: the unit utilises or disposes of its own waste itself. The scanned containers (and
   * what is packed in them) must have been generated and still be held by the caller, registered or
   * in its storage; the method must be final; and the unit must hold a 危险废物经营许可证 in force
   * covering each waste code with capacity for the weight (the same check a receiver passes).
   */
  async disposeOwn(actor: CommandActor, labels: string[], method: string, note = ''): Promise<ContainerRow[]> {
    return this.db.transaction(async (m) => {
      const [known] = (await m.query(`SELECT is_final FROM disposal_methods WHERE code = $1`, [method])) as { is_final: boolean }[];
      if (!known?.is_final) throw new DomainException('DISPOSAL_METHOD_INVALID', { method }, { method, known: Boolean(known) });
      const scanned = await this.resolveLabels(m, actor, labels);
      this.assertHeld(actor, scanned);
      for (const c of scanned) {
        // A bag still in its box would leave the box holding a disposed container.
        if (c.parent_id) throw new DomainException('CONTAINER_TRANSITION_NOT_ALLOWED', { code: c.code, current: c.status, requested: 'disposed', allowed: 'unpack it first' }, { code: c.code, packedIn: c.parent_id });
      }
      const all = await this.withContents(m, scanned.map((c) => c.id));
      for (const c of all) {
        if (c.organisation_id !== actor.organisationId || (c.status !== 'registered' && c.status !== 'stored')) {
          throw new DomainException(
            'CONTAINER_TRANSITION_NOT_ALLOWED',
            { code: c.code, current: c.status, requested: 'disposed', allowed: 'registered, stored (own waste only)' },
            { code: c.code, current: c.status },
          );
        }
      }
      const now = new Date();
      const tonnesByCode = new Map<string, number>();
      for (const c of all) tonnesByCode.set(c.waste_code, (tonnesByCode.get(c.waste_code) ?? 0) + Number(c.net_weight_kg) / 1000);
      // Each code with the running total: the codes' tonnes add up against the capacity.
      let running = 0;
      for (const [wasteCode, tonnes] of tonnesByCode) {
        running += tonnes;
        const check = await this.licences.mayReceive({ receiverId: actor.organisationId, wasteCode, tonnes: running, on: now }, m, { reserve: true });
        if (!check.allowed) throw new DomainException('OWN_DISPOSAL_NOT_LICENSED', { wasteCode }, check.reasons);
      }
      const ids = all.map((c) => c.id);
      await this.takeOutOfStorage(m, ids, 'disposed');
      await m.query(`UPDATE containers SET disposal_method = $2, disposed_at = $3 WHERE id = ANY($1)`, [ids, method, now]);
      await this.ledger.appendMany(
        m,
        all.map((c) => ({
          subjectType: 'container',
          subjectId: c.id,
          type: 'container.disposed',
          actor,
          payload: { method, ownDisposal: true, from: c.status, ...(c.facility_id ? { facilityId: c.facility_id } : {}), note },
        })),
      );
      return this.byIds(m, ids);
    });
  }

  /** Closes open storage stays and moves the containers to `status`. Used by manifests when loading too. */
  async takeOutOfStorage(m: EntityManager, ids: string[], status: ContainerStatus): Promise<void> {
    const now = new Date();
    await m.query(`UPDATE storage_stays SET out_at = $2 WHERE container_id = ANY($1) AND out_at IS NULL`, [ids, now]);
    await m.query(
      `UPDATE containers SET status = $2, facility_id = NULL, stored_since = NULL, updated_at = $3 WHERE id = ANY($1)`,
      [ids, status, now],
    );
  }

  /** Packs scanned containers into an outer one (bags into a turnover box, drums onto a pallet). */
  async pack(actor: CommandActor, outerId: string, labels: string[]): Promise<ContainerRow[]> {
    return this.db.transaction(async (m) => {
      const [outer] = (await m.query(`SELECT * FROM containers WHERE id = $1 FOR UPDATE`, [outerId])) as ContainerRow[];
      if (!outer) throw new DomainException('CONTAINER_NOT_FOUND');
      this.assertHeld(actor, [outer]);
      const inner = await this.resolveLabels(m, actor, labels);
      this.assertHeld(actor, inner);
      const refuse = (c: ContainerRow, reason: string): never => {
        throw new DomainException('PACKING_NOT_ALLOWED', { inner: c.code, outer: outer.code, reason }, { inner: c.code, outer: outer.code, reason });
      };
      if (!OUTER_TYPES.has(outer.container_type)) refuse(inner[0], `a ${outer.container_type} cannot hold other containers`);
      if (outer.parent_id) refuse(inner[0], 'the outer container is itself packed');
      for (const c of inner) {
        if (c.id === outer.id) refuse(c, 'a container cannot hold itself');
        if (c.parent_id) refuse(c, 'it is already packed');
        if (c.status !== outer.status) refuse(c, `it is ${c.status} while the outer container is ${outer.status}`);
        if (['disposed', 'consolidated', 'in_transit'].includes(c.status)) refuse(c, `it is ${c.status}`);
        if (c.is_medical !== outer.is_medical) refuse(c, 'medical and other hazardous waste are not packed together');
      }
      const ids = inner.map((c) => c.id);
      await m.query(`UPDATE containers SET parent_id = $2, updated_at = now() WHERE id = ANY($1)`, [ids, outer.id]);
      await this.ledger.appendMany(m, [
        ...inner.map((c) => ({ subjectType: 'container', subjectId: c.id, type: 'container.packed', actor, payload: { into: outer.id, intoCode: outer.code } })),
        { subjectType: 'container', subjectId: outer.id, type: 'container.contents_added', actor, payload: { added: inner.map((c) => c.code) } },
      ]);
      return this.byIds(m, ids);
    });
  }

  async unpack(actor: CommandActor, outerId: string, labels: string[]): Promise<ContainerRow[]> {
    return this.db.transaction(async (m) => {
      const [outer] = (await m.query(`SELECT * FROM containers WHERE id = $1 FOR UPDATE`, [outerId])) as ContainerRow[];
      if (!outer) throw new DomainException('CONTAINER_NOT_FOUND');
      this.assertHeld(actor, [outer]);
      const inner = await this.resolveLabels(m, actor, labels);
      for (const c of inner) {
        if (c.parent_id !== outer.id) throw new DomainException('NOT_PACKED_HERE', { inner: c.code, outer: outer.code });
      }
      const ids = inner.map((c) => c.id);
      await m.query(`UPDATE containers SET parent_id = NULL, updated_at = now() WHERE id = ANY($1)`, [ids]);
      await this.ledger.appendMany(m, [
        ...inner.map((c) => ({ subjectType: 'container', subjectId: c.id, type: 'container.unpacked', actor, payload: { from: outer.id, fromCode: outer.code } })),
        { subjectType: 'container', subjectId: outer.id, type: 'container.contents_removed', actor, payload: { removed: inner.map((c) => c.code) } },
      ]);
      return this.byIds(m, ids);
    });
  }

  /**
   * Repackaging at a collection point: new containers made from scanned inputs, with the kg of each
   * input that went into each output. Inputs end as `consolidated`; the lineage keeps the way back.
   */
  async repackage(actor: CommandActor, dto: RepackageDto): Promise<RegisteredContainerDto[]> {
    return this.db.transaction(async (m) => {
      const labels = [...new Set(dto.outputs.flatMap((o) => o.inputs.map((i) => i.label)))];
      const inputs = await this.resolveLabels(m, actor, labels);
      this.assertHeld(actor, inputs);
      const byLabel = new Map(labels.map((l, i) => [l, inputs[i]]));
      const used = new Map<string, number>();
      for (const o of dto.outputs) for (const i of o.inputs) used.set(i.label, (used.get(i.label) ?? 0) + i.kg);
      for (const [label, kg] of used) {
        const c = byLabel.get(label)!;
        const available = Number(c.net_weight_kg);
        if (kg > available + 1e-9) throw new DomainException('REPACKAGING_WEIGHT_EXCEEDED', { code: c.code, available }, { code: c.code, requestedKg: kg, availableKg: available });
        if (c.parent_id) throw new DomainException('PACKING_NOT_ALLOWED', { inner: c.code, outer: 'a new container', reason: 'unpack it first' });
        assertTransition(c.code, c.status, 'consolidated');
      }
      const stored = inputs.filter((c) => c.status === 'stored').map((c) => c.id);
      if (stored.length) await m.query(`UPDATE storage_stays SET out_at = now() WHERE container_id = ANY($1) AND out_at IS NULL`, [stored]);
      await m.query(
        `UPDATE containers SET status = 'consolidated', facility_id = NULL, stored_since = NULL, updated_at = now() WHERE id = ANY($1)`,
        [inputs.map((c) => c.id)],
      );
      const outputs = await this.registerIn(m, actor, dto.outputs, dto.facilityId);
      const lineage = dto.outputs.flatMap((o, oi) => o.inputs.map((i) => ({ output: outputs[oi].id, input: byLabel.get(i.label)!.id, kg: i.kg })));
      await m.query(
        `INSERT INTO container_lineage (output_id, input_id, kg)
         SELECT o, i, sum(k) FROM unnest($1::uuid[], $2::uuid[], $3::numeric[]) AS t(o, i, k) GROUP BY o, i`,
        [lineage.map((l) => l.output), lineage.map((l) => l.input), lineage.map((l) => l.kg)],
      );
      await this.ledger.appendMany(m, [
        ...inputs.map((c) => ({
          subjectType: 'container',
          subjectId: c.id,
          type: 'container.consolidated',
          actor,
          payload: { into: lineage.filter((l) => l.input === c.id).map((l) => ({ containerId: l.output, kg: l.kg })) },
        })),
        ...outputs.map((o) => ({
          subjectType: 'container',
          subjectId: o.id,
          type: 'container.made_from',
          actor,
          payload: { inputs: lineage.filter((l) => l.output === o.id).map((l) => ({ containerId: l.input, kg: l.kg })) },
        })),
      ]);
      return outputs;
    });
  }

  async byIds(m: EntityManager | DataSource, ids: string[]): Promise<ContainerRow[]> {
    return (await m.query(`SELECT * FROM containers WHERE id = ANY($1) ORDER BY code`, [ids])) as ContainerRow[];
  }

  async findById(id: string): Promise<ContainerRow | null> {
    const [row] = (await this.db.query(`SELECT * FROM containers WHERE id = $1`, [id])) as ContainerRow[];
    return row ?? null;
  }
}
