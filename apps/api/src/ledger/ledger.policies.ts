import { containerVisible } from '@app/containers';
import { DomainException } from '@app/errors';
import { manifestVisible } from '@app/manifests';
import { PolicyContext, inJurisdiction, isPlatformAdmin, isRegulator, policy } from '@app/parties';

/**
 * Who may read a subject's ledger events and proofs: whoever may read the subject itself. For
 * containers and manifests that is their own rule; anything else belongs to an organisation (a
 * licence to its holder, an approval to its generator, a round to its carrier, other kinds to
 * whoever recorded them) and goes to that organisation, the regulators covering it and platform admins.
 */
export async function subjectVisible(ctx: PolicyContext, subjectType: string, subjectId: string): Promise<boolean> {
  switch (subjectType) {
    case 'container':
      return containerVisible(ctx, subjectId);
    case 'manifest':
      return manifestVisible(ctx, subjectId);
    case 'organisation':
      return organisationMayBeSeen(ctx, subjectId, subjectId);
    default:
      return organisationMayBeSeen(ctx, await ownerOf(ctx, subjectType, subjectId), subjectId);
  }
}

/** The organisation a subject belongs to; for kinds without a table of their own, whoever recorded its first event. */
async function ownerOf(ctx: PolicyContext, subjectType: string, subjectId: string): Promise<string | null> {
  if (!/^[0-9a-f-]{36}$/i.test(subjectId)) throw new DomainException('NOT_FOUND');
  const owners: Record<string, string> = {
    licence: `SELECT organisation_id AS owner FROM licences WHERE id = $1`,
    approval: `SELECT generator_id AS owner FROM transfer_approvals WHERE id = $1`,
    round: `SELECT carrier_id AS owner FROM collection_rounds WHERE id = $1`,
    alert: `SELECT organisation_id AS owner FROM alerts WHERE id = $1`,
  };
  const sql = owners[subjectType] ?? `SELECT actor_org_id AS owner FROM events WHERE subject_type = $2 AND subject_id = $1 AND subject_seq = 1`;
  const [row] = (await ctx.db.query(sql, owners[subjectType] ? [subjectId] : [subjectId, subjectType])) as { owner: string | null }[];
  return row?.owner ?? null;
}

/** An organisation's records: its own people, platform admins, and regulators covering its division. */
async function organisationMayBeSeen(ctx: PolicyContext, organisationId: string | null, subjectId: string): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/i.test(subjectId)) throw new DomainException('NOT_FOUND');
  if (isPlatformAdmin(ctx.actor)) return true;
  if (!organisationId) throw new DomainException('NOT_FOUND');
  if (ctx.actor.organisationId === organisationId) return true;
  const [org] = (await ctx.db.query(`SELECT division_code FROM organisations WHERE id = $1`, [organisationId])) as { division_code: string }[];
  if (org && inJurisdiction(ctx.actor, org.division_code)) return true;
  throw new DomainException('NOT_FOUND');
}

export const LedgerPolicies = {
  subject: policy('whoever may read the subject', (ctx) => subjectVisible(ctx, String(ctx.request.params.subjectType), String(ctx.request.params.subjectId))),
  auditor: policy('regulator or platform admin', (ctx) => isRegulator(ctx.actor) || isPlatformAdmin(ctx.actor)),
};
