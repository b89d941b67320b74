import { DomainException } from '@app/errors';
import { PolicyContext, isPlatformAdmin, isUuid, policy } from '@app/parties';

/** The subscription's organisation, or NOT_FOUND when the caller may not know it exists. */
async function ownerOf(ctx: PolicyContext): Promise<string> {
  const id = ctx.request.params.id;
  if (!isUuid(id)) throw new DomainException('NOT_FOUND');
  const [row] = (await ctx.db.query(`SELECT organisation_id FROM webhook_subscriptions WHERE id = $1 AND deleted_at IS NULL`, [id])) as {
    organisation_id: string;
  }[];
  if (!row || (!isPlatformAdmin(ctx.actor) && row.organisation_id !== ctx.actor.organisationId)) throw new DomainException('NOT_FOUND');
  return row.organisation_id;
}

export const WebhookPolicies = {
  /** An organisation subscribes to its own alerts (a regulator: its jurisdiction's); its admins decide. */
  create: policy('organisation admin', (ctx) => {
    if (!ctx.actor.organisationId) throw new DomainException('WEBHOOK_SCOPE_UNAVAILABLE');
    return ctx.actor.role === 'admin';
  }),
  list: policy('organisation member or platform admin', (ctx) => Boolean(ctx.actor.organisationId) || isPlatformAdmin(ctx.actor)),
  read: policy("the subscribing organisation's members or platform admin", async (ctx) => {
    await ownerOf(ctx);
    return true;
  }),
  remove: policy("the subscribing organisation's admins or platform admin", async (ctx) => {
    await ownerOf(ctx);
    return isPlatformAdmin(ctx.actor) || ctx.actor.role === 'admin';
  }),
};
