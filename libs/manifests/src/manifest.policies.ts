import { DomainException } from '@app/errors';
import { PolicyContext, canWrite, inJurisdiction, isPlatformAdmin, policy } from '@app/parties';

/**
 * A manifest is visible to its parties (generator, every carrier leg, receiver), to regulators
 * whose jurisdiction covers its generator or receiver, and to platform admins. Anyone else gets
 * a 404, so a transporter cannot even learn that a manifest not assigned to it exists.
 */
export async function manifestVisible(ctx: PolicyContext, id: string): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new DomainException('MANIFEST_NOT_FOUND');
  const [row] = (await ctx.db.query(
    `SELECT g.division_code AS g, r.division_code AS r,
            EXISTS (SELECT 1 FROM manifest_parties p WHERE p.manifest_id = m.id AND p.organisation_id = $2) AS party
       FROM manifests m JOIN organisations g ON g.id = m.generator_id JOIN organisations r ON r.id = m.receiver_id WHERE m.id = $1`,
    [id, ctx.actor.organisationId],
  )) as { g: string; r: string; party: boolean }[];
  if (!row) throw new DomainException('MANIFEST_NOT_FOUND');
  if (row.party || isPlatformAdmin(ctx.actor) || inJurisdiction(ctx.actor, row.g) || inJurisdiction(ctx.actor, row.r)) return true;
  throw new DomainException('MANIFEST_NOT_FOUND');
}

/** A party acting on a manifest: visible to it, and its user may write. The service checks which party. */
async function partyWrites(ctx: PolicyContext): Promise<boolean> {
  await manifestVisible(ctx, String(ctx.request.params.id));
  return canWrite(ctx.actor) && Boolean(ctx.actor.organisationId) && !ctx.actor.organisationRoles.every((r) => r === 'regulator');
}

export const ManifestPolicies = {
  draft: policy('generator, collector or receiver staff who may write', (ctx) =>
    canWrite(ctx.actor) && ctx.actor.organisationRoles.some((r) => r === 'generator' || r === 'collector' || r === 'receiver')),
  act: policy('a party to the manifest whose user may write', partyWrites),
  read: policy('party to the manifest, regulator in jurisdiction, platform admin', (ctx) => manifestVisible(ctx, String(ctx.request.params.id))),
  list: policy('organisation member or platform admin', (ctx) => Boolean(ctx.actor.organisationId) || isPlatformAdmin(ctx.actor)),
  scan: policy('staff of a transporter or receiver who may write', (ctx) =>
    canWrite(ctx.actor) && ctx.actor.organisationRoles.some((r) => r === 'transporter' || r === 'receiver' || r === 'collector')),
  round: policy('transporter staff who may write', (ctx) => canWrite(ctx.actor) && ctx.actor.organisationRoles.includes('transporter')),
  approval: policy('the generator named on the approval', (ctx) =>
    canWrite(ctx.actor) && (ctx.request.body as { generatorId?: string } | undefined)?.generatorId === ctx.actor.organisationId),
};
