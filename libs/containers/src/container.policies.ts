import { DomainException } from '@app/errors';
import { Actor, PolicyContext, canWrite, inJurisdiction, isPlatformAdmin, policy } from '@app/parties';

interface Visibility {
  organisation_id: string;
  holder_id: string;
  generator_division: string;
  holder_division: string;
}

/**
 * Who may see a container: its generator and its current holder, a regulator whose jurisdiction
 * covers either, platform admins, and the parties of a manifest it travels on.
 */
export async function containerVisible(ctx: PolicyContext, containerId: string): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/i.test(containerId)) throw new DomainException('CONTAINER_NOT_FOUND');
  const [row] = (await ctx.db.query(
    `SELECT c.organisation_id, c.holder_id, g.division_code AS generator_division, h.division_code AS holder_division
       FROM containers c JOIN organisations g ON g.id = c.organisation_id JOIN organisations h ON h.id = c.holder_id
      WHERE c.id = $1`,
    [containerId],
  )) as Visibility[];
  if (!row) throw new DomainException('CONTAINER_NOT_FOUND');
  const a = ctx.actor;
  if (isPlatformAdmin(a) || a.organisationId === row.organisation_id || a.organisationId === row.holder_id) return true;
  if (inJurisdiction(a, row.generator_division) || inJurisdiction(a, row.holder_division)) return true;
  if (a.organisationId && (await partyToManifestOf(ctx, containerId, a.organisationId))) return true;
  throw new DomainException('CONTAINER_NOT_FOUND');
}

async function partyToManifestOf(ctx: PolicyContext, containerId: string, organisationId: string): Promise<boolean> {
  const exists = (await ctx.db.query(`SELECT to_regclass('manifest_items') IS NOT NULL AS ok`)) as { ok: boolean }[];
  if (!exists[0]?.ok) return false;
  const rows = (await ctx.db.query(
    `SELECT 1 FROM manifest_items i JOIN manifest_parties p ON p.manifest_id = i.manifest_id
      WHERE i.container_id = $1 AND p.organisation_id = $2 LIMIT 1`,
    [containerId, organisationId],
  )) as unknown[];
  return rows.length > 0;
}

export function isWasteHolderRole(actor: Actor): boolean {
  return actor.organisationRoles.some((r) => r === 'generator' || r === 'collector' || r === 'receiver');
}

export const ContainerPolicies = {
  /** Generators and collection points register, store, pack and repackage their own containers. */
  manage: policy('generator or collector staff who may write', (ctx) => canWrite(ctx.actor) && isWasteHolderRole(ctx.actor)),
  read: policy('container visible to the caller', (ctx) => containerVisible(ctx, String(ctx.request.params.id))),
  /** Acting on a container named in the path: it must be visible (else 404), and the caller may write. */
  manageOne: policy('container visible to the caller, whose staff may write', async (ctx) =>
    (await containerVisible(ctx, String(ctx.request.params.id))) && canWrite(ctx.actor) && isWasteHolderRole(ctx.actor)),
  /** Any caller with a token may check a label: a forged one is recorded whoever scans it. */
  verify: policy('any authenticated caller', () => true),
  list: policy('organisation member, regulator or platform admin', (ctx) => Boolean(ctx.actor.organisationId) || isPlatformAdmin(ctx.actor)),
};
