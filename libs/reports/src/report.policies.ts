import { DomainException } from '@app/errors';
import {
  OrganisationLocator,
  Policy,
  PolicyContext,
  assertOrganisationVisible,
  canWrite,
  isPlatformAdmin,
  isRegulator,
  isUuid,
  policy,
} from '@app/parties';

/**
 * Who may read which report. A unit's 台账 and mass balance: its own people, a regulator whose
 * jurisdiction covers it, platform admins; anyone else gets 404, as if the unit did not exist.
 * District figures, the map and inspections: regulators (their jurisdiction only) and platform
 * admins. Regulators write inspection draws and results; viewers never write.
 */

/** The unit a report is about: `organisationId` in the query string, else the caller's own organisation. */
const reportedUnit: OrganisationLocator = (ctx) => {
  const asked = ctx.request.query.organisationId;
  if (asked === undefined) {
    if (!ctx.actor.organisationId) throw new DomainException('VALIDATION_FAILED', {}, [{ field: 'organisationId', constraints: { required: 'name the unit' } }]);
    return ctx.actor.organisationId;
  }
  return isUuid(asked) ? asked : null;
};

const unitReport: Policy = policy('the unit itself, a regulator covering it, or platform admin', async (ctx) => {
  await assertOrganisationVisible(ctx, await reportedUnit(ctx));
  return true;
});

const districtReader: Policy = policy('regulator (its jurisdiction) or platform admin', (ctx) => isRegulator(ctx.actor) || isPlatformAdmin(ctx.actor));

const inspectorWrites: Policy = policy('regulator staff who may write', (ctx) => isRegulator(ctx.actor) && canWrite(ctx.actor));

/** The draw named by :id exists and belongs to the caller's regulator (or the caller is a platform admin); else 404. */
async function drawVisible(ctx: PolicyContext): Promise<boolean> {
  const id = ctx.request.params.id;
  if (!isUuid(id)) throw new DomainException('NOT_FOUND');
  const [row] = (await ctx.db.query(`SELECT regulator_id FROM inspection_draws WHERE id = $1`, [id])) as { regulator_id: string }[];
  if (!row || !(isPlatformAdmin(ctx.actor) || row.regulator_id === ctx.actor.organisationId)) throw new DomainException('NOT_FOUND');
  return true;
}

export const ReportPolicies = {
  unitReport,
  district: districtReader,
  drawCreate: inspectorWrites,
  drawList: districtReader,
  drawRead: policy('the regulator that drew it, or platform admin', drawVisible),
  inspectionWrite: policy("staff who may write of the regulator that drew it", async (ctx) => (await drawVisible(ctx)) && isRegulator(ctx.actor) && canWrite(ctx.actor)),
};
