import { DomainException } from '@app/errors';
import { PolicyContext, canWrite, isPlatformAdmin, isRegulator, isUuid, policy } from '@app/parties';

interface AlertScope {
  party_ids: string[];
  region_keys: string[];
}

/** The alert's audience, or NOT_FOUND when it does not exist or the caller may not know it does. */
export async function alertVisible(ctx: PolicyContext, id: unknown): Promise<AlertScope> {
  if (!isUuid(id)) throw new DomainException('NOT_FOUND');
  const [row] = (await ctx.db.query(`SELECT party_ids, region_keys FROM alerts WHERE id = $1`, [id])) as AlertScope[];
  const a = ctx.actor;
  if (!row) throw new DomainException('NOT_FOUND');
  const visible =
    isPlatformAdmin(a) ||
    (a.organisationId !== null && row.party_ids.includes(a.organisationId)) ||
    row.region_keys.some((k) => a.jurisdictionPrefixes.includes(k));
  if (!visible) throw new DomainException('NOT_FOUND');
  return row;
}

export const AlertPolicies = {
  list: policy('organisation member or platform admin', (ctx) => Boolean(ctx.actor.organisationId) || isPlatformAdmin(ctx.actor)),
  read: policy('alert about the caller, in its jurisdiction, or platform admin', async (ctx) => {
    await alertVisible(ctx, ctx.request.params.id);
    return true;
  }),
  /** Regulators write only this: triage of the alerts in their own jurisdiction. */
  triage: policy('regulator staff who may write, whose jurisdiction covers the alert', async (ctx) => {
    const alert = await alertVisible(ctx, ctx.request.params.id);
    const a = ctx.actor;
    return isRegulator(a) && canWrite(a) && alert.region_keys.some((k) => a.jurisdictionPrefixes.includes(k));
  }),
};
