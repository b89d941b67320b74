import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { CommandActor, ContainerRow, ContainerStatus, ContainersService, assertTransition } from '@app/containers';
import { DomainException } from '@app/errors';
import { LedgerService, NewLedgerEvent } from '@app/ledger';
import { LicenceCheckService } from '@app/parties';
import { ApprovalDto, CreateManifestDto, FinalOperationsDto, ReceiptDto, RoundDto } from './manifest.dto';
import { formatManifestNumber, manifestPrefix, provinceOf } from './manifest-number';
import { addWorkingDays, chinaDay } from './working-days';
import './manifests.errors';

export interface ManifestRow {
  id: string;
  number: string | null;
  generator_id: string;
  receiver_id: string;
  kind: 'hazardous' | 'medical';
  status: string;
  emergency_measures: string;
  planned_start: Date;
  planned_end: Date;
  round_id: string | null;
  approval_id: string | null;
  cross_province: boolean;
  parent_id: string | null;
  relation: 'return' | 'onward' | null;
  paper_backfill: boolean;
  submitted_at: Date | null;
  departed_at: Date | null;
  arrived_at: Date | null;
  accepted_at: Date | null;
  confirm_deadline: string | null;
  confirmed_at: Date | null;
  completed_at: Date | null;
  receiver_opinion: string | null;
  created_at: Date;
}

export interface ItemRow {
  manifest_id: string;
  container_id: string;
  packed_in: string | null;
  waste_code: string;
  declared_weight_kg: string;
  active: boolean;
  current_leg: number | null;
  loaded_at: Date | null;
  arrived_at: Date | null;
  received_weight_kg: string | null;
  decision: 'accepted' | 'partially_refused' | 'refused' | null;
  accepted_kg: string | null;
  refused_kg: string | null;
  refusal_reason: string | null;
  final_method: string | null;
  onward_manifest_id: string | null;
}

export interface LegRow {
  manifest_id: string;
  leg_no: number;
  carrier_id: string;
  vehicle_id: string;
  driver_id: string | null;
}

const AVAILABLE: ContainerStatus[] = ['registered', 'stored', 'received'];

/**
 * The manifest's use cases: draft, submit (the generator signs after the licence checks),
 * depart, receipt decisions, confirmation, final operations, refusals linked to their
 * return/onward manifests. Each is one transaction with its ledger events.
 */
@Injectable()
export class ManifestsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly ledger: LedgerService,
    private readonly licences: LicenceCheckService,
    private readonly containers: ContainersService,
  ) {}

  async lockManifest(m: EntityManager, id: string): Promise<ManifestRow> {
    const [row] = (await m.query(`SELECT * FROM manifests WHERE id = $1 FOR UPDATE`, [id])) as ManifestRow[];
    if (!row) throw new DomainException('MANIFEST_NOT_FOUND');
    return row;
  }

  private expectStatus(man: ManifestRow, ...expected: string[]): void {
    if (!expected.includes(man.status)) {
      throw new DomainException('MANIFEST_WRONG_STATUS', { number: man.number ?? man.id, status: man.status, expected: expected.join(' / ') }, { status: man.status, expected });
    }
  }

  private expectParty(actor: CommandActor, orgId: string): void {
    if (actor.organisationId !== orgId) throw new DomainException('NOT_A_PARTY');
  }

  async create(actor: CommandActor, dto: CreateManifestDto): Promise<string> {
    return this.db.transaction(async (m) => {
      const orgs = new Map(
        ((await m.query(`SELECT id, roles, division_code FROM organisations WHERE id = ANY($1)`, [
          [actor.organisationId, dto.receiverId, ...dto.legs.map((l) => l.carrierId)],
        ])) as { id: string; roles: string[]; division_code: string }[]).map((o) => [o.id, o]),
      );
      const generator = orgs.get(actor.organisationId)!;
      const receiver = orgs.get(dto.receiverId);
      let parent: ManifestRow | null = null;
      if (dto.parentId || dto.relation) {
        if (!dto.parentId || !dto.relation) throw new DomainException('VALIDATION_FAILED', {}, [{ field: 'parentId', constraints: { together: 'parentId and relation go together' } }]);
        parent = await this.lockManifest(m, dto.parentId);
        if (parent.receiver_id !== actor.organisationId) throw new DomainException('LINK_INVALID', { number: parent.number, reason: 'only its receiver ships refused containers on' });
        if (dto.relation === 'return' && dto.receiverId !== parent.generator_id) throw new DomainException('LINK_INVALID', { number: parent.number, reason: 'a return goes back to the generator' });
      }
      if (!receiver) throw new DomainException('NOT_FOUND', {}, { field: 'receiverId' });
      if (dto.relation !== 'return' && !receiver.roles.some((r) => r === 'receiver' || r === 'collector')) {
        throw new DomainException('VALIDATION_FAILED', {}, [{ field: 'receiverId', constraints: { role: 'the receiver must be a licensed receiver or collection point' } }]);
      }
      for (const [i, leg] of dto.legs.entries()) {
        const carrier = orgs.get(leg.carrierId);
        if (!carrier?.roles.includes('transporter')) throw new DomainException('LEG_INVALID', { leg: i + 1, reason: 'not a transporter' });
        const vehicle = (await m.query(`SELECT 1 FROM vehicles WHERE id = $1 AND organisation_id = $2`, [leg.vehicleId, leg.carrierId])) as unknown[];
        if (!vehicle.length) throw new DomainException('LEG_INVALID', { leg: i + 1, reason: "the vehicle is not the carrier's" });
        if (leg.driverId) {
          const driver = (await m.query(`SELECT 1 FROM drivers WHERE id = $1 AND organisation_id = $2`, [leg.driverId, leg.carrierId])) as unknown[];
          if (!driver.length) throw new DomainException('LEG_INVALID', { leg: i + 1, reason: "the driver is not the carrier's" });
        }
      }

      // The listed containers and everything packed inside them.
      const rows = (await m.query(
        `WITH RECURSIVE tree AS (
           SELECT id, NULL::uuid AS packed_in FROM containers WHERE id = ANY($1)
           UNION SELECT c.id, c.parent_id FROM containers c JOIN tree t ON c.parent_id = t.id
         )
         SELECT c.*, tree.packed_in AS listed_in FROM containers c JOIN tree USING (id) ORDER BY c.id FOR UPDATE OF c`,
        [dto.containerIds],
      )) as (ContainerRow & { listed_in: string | null })[];
      if (rows.filter((r) => !r.listed_in).length !== new Set(dto.containerIds).size) throw new DomainException('CONTAINER_NOT_FOUND');
      const refusedOnParent = parent
        ? new Set(((await m.query(`SELECT container_id FROM manifest_items WHERE manifest_id = $1 AND decision = 'refused'`, [parent.id])) as { container_id: string }[]).map((r) => r.container_id))
        : new Set<string>();
      for (const c of rows) {
        const refuse = (reason: string): never => {
          throw new DomainException('CONTAINER_NOT_AVAILABLE', { code: c.code, reason }, { code: c.code, status: c.status });
        };
        if (c.holder_id !== actor.organisationId) {
          // A container the caller neither holds nor generated is, to it, not there at all.
          if (c.organisation_id !== actor.organisationId) throw new DomainException('CONTAINER_NOT_FOUND');
          refuse('your organisation does not hold it');
        }
        if (!c.listed_in && c.parent_id) refuse('it is packed inside another container: list the outer one');
        if (parent) {
          if (!c.listed_in && !refusedOnParent.has(c.id)) refuse('it was not refused on the linked manifest');
          if (c.status !== 'refused' && !c.listed_in) refuse(`it is ${c.status}`);
        } else if (!AVAILABLE.includes(c.status)) {
          refuse(`it is ${c.status}`);
        }
      }
      const kind = rows.every((r) => r.is_medical) ? 'medical' : 'hazardous';
      const crossProvince = provinceOf(generator.division_code) !== provinceOf(receiver.division_code);
      const [manifest] = (await m.query(
        `INSERT INTO manifests (generator_id, receiver_id, kind, emergency_measures, planned_start, planned_end, round_id, approval_id,
                                cross_province, parent_id, relation, paper_backfill)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) RETURNING id`,
        [actor.organisationId, dto.receiverId, kind, dto.emergencyMeasures, dto.plannedStart, dto.plannedEnd, dto.roundId ?? null,
          dto.approvalId ?? null, crossProvince, parent?.id ?? null, dto.relation ?? null, dto.paperBackfill ?? false],
      )) as { id: string }[];
      await m.query(
        `INSERT INTO manifest_legs (manifest_id, leg_no, carrier_id, vehicle_id, driver_id)
         SELECT $1, n, c, v, d FROM unnest($2::int[], $3::uuid[], $4::uuid[], $5::uuid[]) AS t(n, c, v, d)`,
        [manifest.id, dto.legs.map((_, i) => i + 1), dto.legs.map((l) => l.carrierId), dto.legs.map((l) => l.vehicleId), dto.legs.map((l) => l.driverId ?? null)],
      );
      try {
        await m.query(
          `INSERT INTO manifest_items (manifest_id, container_id, packed_in, waste_code, declared_weight_kg)
           SELECT $1, c, p, w, k FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::numeric[]) AS t(c, p, w, k)`,
          [manifest.id, rows.map((r) => r.id), rows.map((r) => r.listed_in), rows.map((r) => r.waste_code), rows.map((r) => r.net_weight_kg)],
        );
      } catch (error) {
        if ((error as { code?: string }).code === '23505') {
          const [dup] = (await m.query(`SELECT c.code FROM containers c JOIN manifest_items i ON i.container_id = c.id AND i.active WHERE c.id = ANY($1) AND i.manifest_id <> $2 LIMIT 1`, [rows.map((r) => r.id), manifest.id]).catch(() => [])) as { code: string }[];
          throw new DomainException('CONTAINER_ON_OPEN_MANIFEST', { code: dup?.code ?? '' });
        }
        throw error;
      }
      for (const c of rows) assertTransition(c.code, c.status, 'on_manifest');
      const stored = rows.filter((r) => r.status === 'stored').map((r) => r.id);
      // Putting a container on a manifest takes it out of storage (出库) to the loading bay.
      if (stored.length) await this.containers.takeOutOfStorage(m, stored, 'on_manifest');
      await m.query(`UPDATE containers SET status = 'on_manifest', updated_at = now() WHERE id = ANY($1)`, [rows.map((r) => r.id)]);
      if (parent) {
        await m.query(`UPDATE manifest_items SET onward_manifest_id = $1 WHERE manifest_id = $2 AND container_id = ANY($3)`, [manifest.id, parent.id, rows.map((r) => r.id)]);
      }
      const events: NewLedgerEvent[] = [
        {
          subjectType: 'manifest',
          subjectId: manifest.id,
          type: 'manifest.drafted',
          actor,
          payload: {
            generatorId: actor.organisationId,
            receiverId: dto.receiverId,
            legs: dto.legs.map((l, i) => ({ legNo: i + 1, ...l })),
            containers: rows.map((r) => ({ id: r.id, code: r.code, declaredKg: Number(r.net_weight_kg), packedIn: r.listed_in })),
            kind,
            crossProvince,
            ...(parent ? { parentId: parent.id, relation: dto.relation } : {}),
          },
        },
        ...rows.map((r) => ({ subjectType: 'container', subjectId: r.id, type: 'container.listed', actor, payload: { manifestId: manifest.id, from: r.status } })),
      ];
      if (parent) {
        events.push({ subjectType: 'manifest', subjectId: parent.id, type: 'manifest.linked', actor, payload: { childId: manifest.id, relation: dto.relation } });
      }
      await this.ledger.appendMany(m, events);
      if (parent) await this.completeIfDone(m, actor, parent.id);
      return manifest.id;
    });
  }

  async cancel(actor: CommandActor, id: string): Promise<void> {
    await this.db.transaction(async (m) => {
      const man = await this.lockManifest(m, id);
      this.expectParty(actor, man.generator_id);
      if (man.status !== 'draft') throw new DomainException('MANIFEST_NOT_DRAFT', { number: man.number ?? man.id, status: man.status });
      const items = (await m.query(`SELECT container_id FROM manifest_items WHERE manifest_id = $1`, [id])) as { container_id: string }[];
      const ids = items.map((i) => i.container_id);
      await m.query(`UPDATE manifest_items SET active = false WHERE manifest_id = $1`, [id]);
      const back = man.parent_id ? 'refused' : 'registered';
      await m.query(`UPDATE containers SET status = $2, updated_at = now() WHERE id = ANY($1)`, [ids, back]);
      if (man.parent_id) await m.query(`UPDATE manifest_items SET onward_manifest_id = NULL WHERE manifest_id = $1 AND onward_manifest_id = $2`, [man.parent_id, id]);
      await m.query(`UPDATE manifests SET status = 'cancelled', updated_at = now() WHERE id = $1`, [id]);
      await this.ledger.appendMany(m, [
        { subjectType: 'manifest', subjectId: id, type: 'manifest.cancelled', actor, payload: {} },
        ...ids.map((c) => ({ subjectType: 'container', subjectId: c, type: 'container.delisted', actor, payload: { manifestId: id, to: back } })),
      ]);
    });
  }

  /** The generator signs: licence checks (and a cross-province approval) must pass first. */
  async submit(actor: CommandActor, id: string, on: Date = new Date()): Promise<void> {
    await this.db.transaction(async (m) => {
      const man = await this.lockManifest(m, id);
      this.expectParty(actor, man.generator_id);
      if (man.status !== 'draft') throw new DomainException('MANIFEST_NOT_DRAFT', { number: man.number ?? man.id, status: man.status });
      const perCode = (await m.query(
        `SELECT waste_code, sum(declared_weight_kg)::float8 / 1000 AS tonnes FROM manifest_items WHERE manifest_id = $1 GROUP BY waste_code ORDER BY waste_code`,
        [id],
      )) as { waste_code: string; tonnes: number }[];
      const legs = (await m.query(`SELECT * FROM manifest_legs WHERE manifest_id = $1 ORDER BY leg_no`, [id])) as LegRow[];
      const problems: unknown[] = [];
      // The codes' tonnes add up against the receiver's capacity: each code is checked with the running total.
      let running = 0;
      for (const { waste_code: wasteCode, tonnes } of perCode) {
        running += tonnes;
        if (man.relation !== 'return') {
          const r = await this.licences.mayReceive({ receiverId: man.receiver_id, wasteCode, tonnes: running, on }, m, { reserve: true });
          if (!r.allowed) problems.push({ party: 'receiver', organisationId: man.receiver_id, wasteCode, reasons: r.reasons });
        }
        for (const leg of legs) {
          const c = await this.licences.mayCarry({ carrierId: leg.carrier_id, vehicleId: leg.vehicle_id, driverId: leg.driver_id ?? undefined, wasteCode, on }, m);
          if (!c.allowed) problems.push({ party: 'carrier', legNo: leg.leg_no, organisationId: leg.carrier_id, wasteCode, reasons: c.reasons });
        }
      }
      if (problems.length) throw new DomainException('LICENCE_CHECK_FAILED', {}, problems);
      if (man.cross_province) {
        const ok = man.approval_id
          ? ((await m.query(
              `SELECT 1 FROM transfer_approvals WHERE id = $1 AND generator_id = $2 AND receiver_id = $3 AND waste_codes @> $4::text[]
                  AND $5::date BETWEEN valid_from AND valid_to`,
              [man.approval_id, man.generator_id, man.receiver_id, perCode.map((p) => p.waste_code), chinaDay(on)],
            )) as unknown[]).length > 0
          : false;
        if (!ok) throw new DomainException('APPROVAL_REQUIRED', {}, { approvalId: man.approval_id });
      }
      const [gen] = (await m.query(`SELECT division_code FROM organisations WHERE id = $1`, [man.generator_id])) as { division_code: string }[];
      const prefix = manifestPrefix(Number(chinaDay(on).slice(0, 4)), gen.division_code);
      const [serial] = (await m.query(
        `INSERT INTO manifest_serials AS s (prefix, last_serial) VALUES ($1, 1)
         ON CONFLICT (prefix) DO UPDATE SET last_serial = s.last_serial + 1 RETURNING last_serial`,
        [prefix],
      ).catch((error: { code?: string }) => {
        if (error.code === '23514') throw new DomainException('SERIAL_EXHAUSTED', { prefix });
        throw error;
      })) as { last_serial: number }[];
      const number = formatManifestNumber(prefix, serial.last_serial);
      await m.query(`UPDATE manifests SET status = 'submitted', number = $2, submitted_at = $3, submitted_by = $4, updated_at = now() WHERE id = $1`, [id, number, on, actor.userId]);
      await this.ledger.append(m, { subjectType: 'manifest', subjectId: id, type: 'manifest.submitted', actor, payload: { number, signedBy: actor.userId, at: on.toISOString() } });
    });
  }

  /** The first carrier confirms departure; containers listed but never loaded are reported now. */
  async depart(actor: CommandActor, id: string): Promise<{ missing: { containerId: string; code: string }[] }> {
    return this.db.transaction(async (m) => {
      const man = await this.lockManifest(m, id);
      const [leg1] = (await m.query(`SELECT * FROM manifest_legs WHERE manifest_id = $1 AND leg_no = 1`, [id])) as LegRow[];
      this.expectParty(actor, leg1.carrier_id);
      this.expectStatus(man, 'submitted');
      const missing = (await m.query(
        `SELECT i.container_id AS "containerId", c.code FROM manifest_items i JOIN containers c ON c.id = i.container_id
          WHERE i.manifest_id = $1 AND i.active AND i.loaded_at IS NULL AND i.arrived_at IS NULL ORDER BY c.code`,
        [id],
      )) as { containerId: string; code: string }[];
      await m.query(`UPDATE manifests SET status = 'in_transit', departed_at = now(), updated_at = now() WHERE id = $1`, [id]);
      if (missing.length) {
        await m.query(
          `INSERT INTO discrepancies (manifest_id, container_id, kind, detail) SELECT $1, unnest($2::uuid[]), 'not_loaded', 'listed but not scanned at loading'`,
          [id, missing.map((x) => x.containerId)],
        );
      }
      await this.ledger.append(m, { subjectType: 'manifest', subjectId: id, type: 'manifest.departed', actor, payload: { missing } });
      return { missing };
    });
  }

  /** The receiver's decisions per container: accept, partially refuse (kg) or refuse, with a reason. */
  async receipt(actor: CommandActor, id: string, dto: ReceiptDto): Promise<void> {
    await this.db.transaction(async (m) => {
      const man = await this.lockManifest(m, id);
      this.expectParty(actor, man.receiver_id);
      this.expectStatus(man, 'in_transit', 'arrived', 'submitted');
      const items = new Map(
        ((await m.query(
          `SELECT i.*, c.code, c.status AS container_status FROM manifest_items i JOIN containers c ON c.id = i.container_id
            WHERE i.manifest_id = $1 FOR UPDATE OF i`,
          [id],
        )) as (ItemRow & { code: string; container_status: ContainerStatus })[]).map((i) => [i.container_id, i]),
      );
      const events: NewLedgerEvent[] = [];
      for (const d of dto.decisions) {
        const item = items.get(d.containerId);
        if (!item) throw new DomainException('ITEM_NOT_ON_MANIFEST', { code: d.containerId, number: man.number });
        const bad = (reason: string): never => {
          throw new DomainException('RECEIPT_INVALID', { code: item.code, reason }, { containerId: d.containerId });
        };
        if (!item.arrived_at) bad('it was not scanned on arrival');
        if (item.decision) bad(`it was already ${item.decision}`);
        if (item.packed_in) bad('decide on the outer container');
        const weight = Number(item.received_weight_kg ?? item.declared_weight_kg);
        let accepted = weight;
        let refused = 0;
        if (d.decision === 'partially_refused') {
          if (!d.refusedKg || !d.reason) bad('a partial refusal needs refusedKg and a reason');
          if (d.refusedKg! >= weight) bad(`refusedKg must be less than the ${weight} kg received`);
          refused = d.refusedKg!;
          accepted = Math.round((weight - refused) * 1000) / 1000;
        } else if (d.decision === 'refused') {
          if (!d.reason) bad('a refusal needs a reason');
          refused = weight;
          accepted = 0;
        } else if (d.refusedKg || d.reason) {
          bad('an acceptance takes no refusedKg or reason');
        }
        const inner = [...items.values()].filter((i) => i.packed_in === item.container_id).map((i) => i.container_id);
        await m.query(
          `UPDATE manifest_items SET decision = $3, accepted_kg = $4, refused_kg = $5, refusal_reason = $6, decided_at = now(),
                  active = ($3 <> 'refused')
            WHERE manifest_id = $1 AND (container_id = $2 OR container_id = ANY($7))`,
          [id, d.containerId, d.decision, accepted, refused, d.reason ?? null, inner],
        );
        if (d.decision === 'refused') {
          assertTransition(item.code, item.container_status, 'refused');
          await m.query(`UPDATE containers SET status = 'refused', updated_at = now() WHERE id = ANY($1)`, [[d.containerId, ...inner]]);
        }
        events.push({
          subjectType: 'container',
          subjectId: d.containerId,
          type: `container.${d.decision}`,
          actor,
          payload: { manifestId: id, acceptedKg: accepted, refusedKg: refused, reason: d.reason ?? null },
        });
      }
      const [{ open }] = (await m.query(`SELECT count(*)::int AS open FROM manifest_items WHERE manifest_id = $1 AND packed_in IS NULL AND decision IS NULL AND (active OR arrived_at IS NOT NULL)`, [id])) as { open: number }[];
      if (open === 0) {
        const now = new Date();
        const deadline = addWorkingDays(chinaDay(now), 5);
        await m.query(`UPDATE manifests SET status = 'received', accepted_at = $2, confirm_deadline = $3, updated_at = now() WHERE id = $1`, [id, now, deadline]);
        events.push({ subjectType: 'manifest', subjectId: id, type: 'manifest.received', actor, payload: { confirmDeadline: deadline } });
      } else if (man.status !== 'arrived') {
        await m.query(`UPDATE manifests SET status = 'arrived', updated_at = now() WHERE id = $1`, [id]);
      }
      await this.ledger.appendMany(m, events);
    });
  }

  async confirm(actor: CommandActor, id: string, opinion?: string): Promise<{ late: boolean }> {
    return this.db.transaction(async (m) => {
      const man = await this.lockManifest(m, id);
      this.expectParty(actor, man.receiver_id);
      this.expectStatus(man, 'received');
      const today = chinaDay(new Date());
      const late = man.confirm_deadline !== null && today > String(man.confirm_deadline);
      await m.query(`UPDATE manifests SET status = 'confirmed', confirmed_at = now(), receiver_opinion = $2, updated_at = now() WHERE id = $1`, [id, opinion ?? null]);
      await this.ledger.append(m, { subjectType: 'manifest', subjectId: id, type: 'manifest.confirmed', actor, payload: { opinion: opinion ?? null, late } });
      await this.completeIfDone(m, actor, id);
      return { late };
    });
  }

  /**
   * The receiver records the utilisation/disposal method per container. A final method ends the
   * container as disposed; an intermediate one (storage, repackaging) leaves it with the receiver,
   * whose later records (repackaging lineage, onward manifests) carry the chain on.
   */
  async finalOperations(actor: CommandActor, id: string, dto: FinalOperationsDto): Promise<void> {
    await this.db.transaction(async (m) => {
      const man = await this.lockManifest(m, id);
      this.expectParty(actor, man.receiver_id);
      this.expectStatus(man, 'received', 'confirmed');
      const methods = new Map(
        ((await m.query(`SELECT code, is_final FROM disposal_methods WHERE code = ANY($1)`, [dto.operations.map((o) => o.method)])) as { code: string; is_final: boolean }[]).map((r) => [r.code, r.is_final]),
      );
      const events: NewLedgerEvent[] = [];
      for (const op of dto.operations) {
        if (!methods.has(op.method)) throw new DomainException('METHOD_UNKNOWN', { method: op.method });
        const [item] = (await m.query(
          `SELECT i.*, c.code, c.status AS container_status FROM manifest_items i JOIN containers c ON c.id = i.container_id
            WHERE i.manifest_id = $1 AND i.container_id = $2 FOR UPDATE OF i`,
          [id, op.containerId],
        )) as (ItemRow & { code: string; container_status: ContainerStatus })[];
        if (!item) throw new DomainException('ITEM_NOT_ON_MANIFEST', { code: op.containerId, number: man.number });
        if (item.decision !== 'accepted' && item.decision !== 'partially_refused') {
          throw new DomainException('RECEIPT_INVALID', { code: item.code, reason: 'only accepted containers get a final operation' });
        }
        if (item.final_method) throw new DomainException('RECEIPT_INVALID', { code: item.code, reason: `its operation ${item.final_method} is already recorded` });
        const isFinal = methods.get(op.method)!;
        const inner = ((await m.query(`SELECT container_id FROM manifest_items WHERE manifest_id = $1 AND packed_in = $2`, [id, op.containerId])) as { container_id: string }[]).map((r) => r.container_id);
        await m.query(
          `UPDATE manifest_items SET final_method = $3, final_at = now(), active = false WHERE manifest_id = $1 AND (container_id = $2 OR container_id = ANY($4))`,
          [id, op.containerId, op.method, inner],
        );
        if (isFinal) {
          assertTransition(item.code, item.container_status, 'disposed');
          await m.query(`UPDATE containers SET status = 'disposed', updated_at = now() WHERE id = ANY($1)`, [[op.containerId, ...inner]]);
        }
        events.push({
          subjectType: 'container',
          subjectId: op.containerId,
          type: isFinal ? 'container.disposed' : 'container.intermediate_operation',
          actor,
          payload: { manifestId: id, method: op.method, final: isFinal },
        });
      }
      await this.ledger.appendMany(m, events);
      await this.completeIfDone(m, actor, id);
    });
  }

  /** Complete when every container has a final or onward record (refused ones: a linked manifest). */
  async completeIfDone(m: EntityManager, actor: CommandActor, id: string): Promise<boolean> {
    const [man] = (await m.query(`SELECT status FROM manifests WHERE id = $1`, [id])) as { status: string }[];
    if (man.status !== 'confirmed') return false;
    const [{ open }] = (await m.query(
      `SELECT count(*)::int AS open FROM manifest_items
        WHERE manifest_id = $1 AND packed_in IS NULL AND arrived_at IS NOT NULL
          AND NOT (final_method IS NOT NULL OR (decision = 'refused' AND onward_manifest_id IS NOT NULL))`,
      [id],
    )) as { open: number }[];
    if (open > 0) return false;
    await m.query(`UPDATE manifests SET status = 'completed', completed_at = now(), updated_at = now() WHERE id = $1`, [id]);
    await this.ledger.append(m, { subjectType: 'manifest', subjectId: id, type: 'manifest.completed', actor, payload: {} });
    return true;
  }

  async createApproval(actor: CommandActor, dto: ApprovalDto): Promise<string> {
    return this.db.transaction(async (m) => {
      const orgs = (await m.query(`SELECT id, division_code FROM organisations WHERE id = ANY($1)`, [[dto.generatorId, dto.receiverId]])) as { id: string; division_code: string }[];
      const gen = orgs.find((o) => o.id === dto.generatorId);
      const rec = orgs.find((o) => o.id === dto.receiverId);
      if (!gen || !rec) throw new DomainException('NOT_FOUND');
      const [row] = (await m.query(
        `INSERT INTO transfer_approvals (number, generator_id, receiver_id, origin_province, destination_province, waste_codes, tonnes, whitelist, valid_from, valid_to)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING id`,
        [dto.number, dto.generatorId, dto.receiverId, provinceOf(gen.division_code), provinceOf(rec.division_code), dto.wasteCodes, dto.tonnes, dto.whitelist ?? false, dto.validFrom, dto.validTo],
      ).catch((error: { code?: string }) => {
        if (error.code === '23514') throw new DomainException('VALIDATION_FAILED', {}, [{ field: 'validTo', constraints: { range: 'an approval is valid at most 12 months' } }]);
        if (error.code === '23505') throw new DomainException('CONFLICT', {}, { field: 'number' });
        throw error;
      })) as { id: string }[];
      await this.ledger.append(m, { subjectType: 'approval', subjectId: row.id, type: 'approval.recorded', actor, payload: { ...dto } });
      return row.id;
    });
  }

  async createRound(actor: CommandActor, dto: RoundDto): Promise<string> {
    return this.db.transaction(async (m) => {
      const vehicle = (await m.query(`SELECT 1 FROM vehicles WHERE id = $1 AND organisation_id = $2`, [dto.vehicleId, actor.organisationId])) as unknown[];
      if (!vehicle.length) throw new DomainException('LEG_INVALID', { leg: 1, reason: "the vehicle is not the carrier's" });
      const [row] = (await m.query(
        `INSERT INTO collection_rounds (carrier_id, vehicle_id, driver_id, receiver_id, planned_date) VALUES ($1,$2,$3,$4,$5) RETURNING id`,
        [actor.organisationId, dto.vehicleId, dto.driverId ?? null, dto.receiverId, dto.plannedDate],
      )) as { id: string }[];
      await this.ledger.append(m, { subjectType: 'round', subjectId: row.id, type: 'round.planned', actor, payload: { ...dto } });
      return row.id;
    });
  }
}
