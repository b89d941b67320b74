import { EntityManager } from 'typeorm';
import { AlertSubjectType } from '../rules/rule-registry';

/** One row read by a drain source: a ledger event, or a refused scan (which the ledger does not record). */
export interface DrainRow {
  seq: string;
  subject_type: string;
  subject_id: string | null;
  type: string;
  /** payload.manifestId of a container event; the manifest of a scan. */
  manifest_id: string | null;
  /** The scanning organisation of a refused scan. */
  organisation_id: string | null;
}

/** What a batch of rows directly names, before expansion. */
export interface DirectTouches {
  containers: Set<string>;
  /** Manifests whose own state changed: their rules, and every container on them, are re-evaluated. */
  manifestsChanged: Set<string>;
  /** Manifests a container event mentions: only the manifest's own rules are re-evaluated. */
  manifestsMentioned: Set<string>;
  organisations: Set<string>;
  licences: Set<string>;
  approvals: Set<string>;
}

export type Touched = Record<AlertSubjectType, string[]>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const uuidOrNull = (value: string | null): string | null => (value && UUID.test(value) ? value : null);

/**
 * Which subjects the rows touch. Alert, webhook and threshold events are reconciliation's own and
 * touch nothing; a manifest's discrepancy event is the echo of a container scan that is read too.
 */
export function directTouches(rows: readonly DrainRow[]): DirectTouches {
  const t: DirectTouches = {
    containers: new Set(),
    manifestsChanged: new Set(),
    manifestsMentioned: new Set(),
    organisations: new Set(),
    licences: new Set(),
    approvals: new Set(),
  };
  const add = (set: Set<string>, value: string | null): void => {
    const id = uuidOrNull(value);
    if (id) set.add(id);
  };
  for (const row of rows) {
    switch (row.subject_type) {
      case 'container':
        add(t.containers, row.subject_id);
        add(t.manifestsMentioned, row.manifest_id);
        break;
      case 'manifest':
        if (row.type === 'manifest.discrepancy') add(t.manifestsMentioned, row.subject_id);
        else add(t.manifestsChanged, row.subject_id);
        break;
      case 'organisation':
        add(t.organisations, row.subject_id);
        break;
      case 'licence':
        add(t.licences, row.subject_id);
        break;
      case 'approval':
        add(t.approvals, row.subject_id);
        break;
      case 'scan':
        // A refused scan: the container it claims, the manifest it names, the organisation that scanned.
        add(t.containers, row.subject_id);
        add(t.manifestsMentioned, row.manifest_id);
        add(t.organisations, row.organisation_id);
        break;
      default:
        break;
    }
  }
  return t;
}

/**
 * The subjects to re-evaluate, per subject type: the direct ones plus what depends on them. A
 * manifest's change reaches its containers and its receiver (capacity); a licence reaches its holder
 * and the live manifests it is a party to; an approval reaches the manifests that use it.
 */
export async function expandTouches(m: EntityManager, d: DirectTouches): Promise<Touched> {
  const containers = new Set(d.containers);
  const manifests = new Set([...d.manifestsChanged, ...d.manifestsMentioned]);
  const organisations = new Set(d.organisations);
  const ids = (rows: { id: string }[]): string[] => rows.map((r) => r.id);

  if (d.manifestsChanged.size) {
    const changed = [...d.manifestsChanged];
    for (const id of ids((await m.query(`SELECT container_id::text AS id FROM manifest_items WHERE manifest_id = ANY($1::uuid[])`, [changed])) as { id: string }[])) {
      containers.add(id);
    }
    for (const id of ids((await m.query(`SELECT DISTINCT receiver_id::text AS id FROM manifests WHERE id = ANY($1::uuid[])`, [changed])) as { id: string }[])) {
      organisations.add(id);
    }
  }
  if (d.licences.size) {
    const holders = ids((await m.query(`SELECT DISTINCT organisation_id::text AS id FROM licences WHERE id = ANY($1::uuid[])`, [[...d.licences]])) as { id: string }[]);
    for (const id of holders) organisations.add(id);
    const live = (await m.query(
      `SELECT DISTINCT p.manifest_id::text AS id FROM manifest_parties p JOIN manifests m ON m.id = p.manifest_id
        WHERE p.organisation_id = ANY($1::uuid[]) AND m.status NOT IN ('draft','cancelled','completed')`,
      [holders],
    )) as { id: string }[];
    for (const id of ids(live)) manifests.add(id);
  }
  if (d.approvals.size) {
    const using = (await m.query(`SELECT id::text AS id FROM manifests WHERE approval_id = ANY($1::uuid[])`, [[...d.approvals]])) as { id: string }[];
    for (const id of ids(using)) manifests.add(id);
  }
  return { container: [...containers], manifest: [...manifests], organisation: [...organisations] };
}
