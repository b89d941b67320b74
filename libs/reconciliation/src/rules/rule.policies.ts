import { canWrite, isPlatformAdmin, isRegulator, policy } from '@app/parties';

export const RulePolicies = {
  /**
   * Thresholds are the regulator's judgement of its own area: platform admins anywhere (including
   * the national default ''), a regulator's staff who may write for a division inside its
   * jurisdiction (its own prefix or a finer one), never above or beside it.
   */
  setThresholds: policy('platform admins, or regulator staff who may write, for a division inside their jurisdiction', (ctx) => {
    if (isPlatformAdmin(ctx.actor)) return true;
    const prefix = (ctx.request.body as { divisionPrefix?: unknown } | undefined)?.divisionPrefix;
    return isRegulator(ctx.actor) && canWrite(ctx.actor) && typeof prefix === 'string' && ctx.actor.jurisdictionPrefixes.some((own) => prefix.startsWith(own));
  }),
};
