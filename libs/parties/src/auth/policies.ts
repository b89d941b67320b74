import type { DataSource, EntityManager } from 'typeorm';
import { DomainException } from '@app/errors';
import { Actor, canWrite, inJurisdiction, isPlatformAdmin, isRegulator } from './actor';
import { Policy, PolicyContext, policy } from './policy';

/**
 * The reusable rules of who may see and change what. Routes name a policy built from these; services
 * and later modules (containers, manifests) call the same helpers, so the rules live here only.
 *
 * - A record the caller may not see answers 404 NOT_FOUND, exactly as a record that does not exist:
 *   ids of other companies' data must not leak.
 * - A record the caller may see but not change answers 403 FORBIDDEN.
 * - An organisation is visible to its own people, to platform admins and to a regulator whose
 *   jurisdiction covers the organisation's division code. Regulators read; they never write
 *   another organisation's data. Viewers never write.
 */

type Queryable = Pick<DataSource | EntityManager, 'query'>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Route parameters reach policies before any pipe runs, so they are checked here before touching SQL. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** What visibility needs to know about an organisation. */
export interface OrganisationScope {
  id: string;
  divisionCode: string;
}

export async function findOrganisationScope(db: Queryable, id: string | null | undefined): Promise<OrganisationScope | null> {
  if (!isUuid(id)) return null;
  const rows = (await db.query(`SELECT id, division_code AS "divisionCode" FROM organisations WHERE id = $1`, [id])) as OrganisationScope[];
  return rows[0] ?? null;
}

/** Own organisation, platform admin, or a regulator whose jurisdiction covers the organisation. */
export function organisationVisibleTo(actor: Actor, organisation: OrganisationScope): boolean {
  return (
    isPlatformAdmin(actor) ||
    actor.organisationId === organisation.id ||
    (isRegulator(actor) && inJurisdiction(actor, organisation.divisionCode))
  );
}

/** Visible when any one of the organisations is (a manifest is visible to each of its parties). */
export function anyOrganisationVisibleTo(actor: Actor, organisations: OrganisationScope[]): boolean {
  return organisations.some((o) => organisationVisibleTo(actor, o));
}

export interface WriteRequirement {
  /** The caller's role must be one that writes (not a viewer). */
  write?: boolean;
  /** Only the organisation's admins (master data: licences, fleet, users). */
  admin?: boolean;
}

/** Platform admins, or the organisation's own people with the role asked for. Regulators never qualify for others. */
export function organisationWritableBy(actor: Actor, organisationId: string, need: WriteRequirement = {}): boolean {
  if (isPlatformAdmin(actor)) return true;
  if (actor.organisationId !== organisationId) return false;
  if (need.admin && actor.role !== 'admin') return false;
  if (need.write && !canWrite(actor)) return false;
  return true;
}

interface Caller {
  actor: Actor;
  db: Queryable;
}

/** The organisation, or NOT_FOUND when it does not exist or the caller may not see it. */
export async function assertOrganisationVisible(ctx: Caller, organisationId: string | null | undefined): Promise<OrganisationScope> {
  const organisation = await findOrganisationScope(ctx.db, organisationId);
  if (!organisation || !organisationVisibleTo(ctx.actor, organisation)) throw new DomainException('NOT_FOUND');
  return organisation;
}

/** NOT_FOUND when the caller may not see the organisation, FORBIDDEN when it may see but not change it. */
export async function assertOrganisationWritable(
  ctx: Caller,
  organisationId: string | null | undefined,
  need: WriteRequirement = { write: true },
): Promise<OrganisationScope> {
  const organisation = await assertOrganisationVisible(ctx, organisationId);
  if (!organisationWritableBy(ctx.actor, organisation.id, need)) throw new DomainException('FORBIDDEN');
  return organisation;
}

/**
 * Finds the organisation a request is about: from a route parameter (`/organisations/:id`), or from
 * the owner of the record a parameter names (`/licences/:id`). Null means "no such record" (404).
 */
export type OrganisationLocator = (ctx: PolicyContext) => Promise<string | null> | string | null;

export function organisationParam(name: string): OrganisationLocator {
  return (ctx) => {
    const value = ctx.request.params[name];
    return isUuid(value) ? value : null;
  };
}

/**
 * The owning organisation of a record: `sql` selects one column `organisation_id` for the record
 * whose id is `$1`, taken from route parameter `param`. The SQL is the module's own constant.
 */
export function organisationOwning(sql: string, param = 'id'): OrganisationLocator {
  return async (ctx) => {
    const value = ctx.request.params[param];
    if (!isUuid(value)) return null;
    const rows = (await ctx.db.query(sql, [value])) as { organisation_id: string | null }[];
    return rows[0]?.organisation_id ?? null;
  };
}

const locatorOf = (where: string | OrganisationLocator): OrganisationLocator =>
  typeof where === 'string' ? organisationParam(where) : where;

/** Any caller with a valid token. */
export const authenticated: Policy = policy('authenticated', () => true);

export const platformAdmin: Policy = policy('platform admin', (ctx) => isPlatformAdmin(ctx.actor));

/** Read access: own organisation, platform admin, or a regulator covering it; anyone else gets 404. */
export function organisationVisible(where: string | OrganisationLocator): Policy {
  const locate = locatorOf(where);
  return policy('organisation visible to the caller', async (ctx) => {
    await assertOrganisationVisible(ctx, await locate(ctx));
    return true;
  });
}

/**
 * The organisation's own people (with `need`) or a platform admin. Callers who cannot see the
 * organisation get 404; those who can see it (a regulator, a viewer) get 403.
 */
export function ownOrganisation(where: string | OrganisationLocator, need: WriteRequirement = {}): Policy {
  const locate = locatorOf(where);
  const who = need.admin ? 'admin' : need.write ? 'staff who may write' : 'member';
  return policy(`own organisation ${who} or platform admin`, async (ctx) => {
    const organisation = await assertOrganisationVisible(ctx, await locate(ctx));
    return organisationWritableBy(ctx.actor, organisation.id, need);
  });
}

/** A user account and the organisation it belongs to (null for platform admins). */
export interface AccountScope {
  userId: string;
  organisationId: string | null;
  divisionCode: string | null;
}

export type AccountLocator = (ctx: PolicyContext) => Promise<AccountScope | null>;

const ACCOUNT_COLUMNS = `u.id AS "userId", u.organisation_id AS "organisationId", o.division_code AS "divisionCode"`;

/** The account named by a route parameter (`/users/:id`). */
export function accountParam(name = 'id'): AccountLocator {
  return async (ctx) => {
    const value = ctx.request.params[name];
    if (!isUuid(value)) return null;
    const rows = (await ctx.db.query(
      `SELECT ${ACCOUNT_COLUMNS} FROM users u LEFT JOIN organisations o ON o.id = u.organisation_id WHERE u.id = $1`,
      [value],
    )) as AccountScope[];
    return rows[0] ?? null;
  };
}

/** The account owning the API token named by a route parameter (`/tokens/:id`). */
export function accountOfToken(name = 'id'): AccountLocator {
  return async (ctx) => {
    const value = ctx.request.params[name];
    if (!isUuid(value)) return null;
    const rows = (await ctx.db.query(
      `SELECT ${ACCOUNT_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id
         LEFT JOIN organisations o ON o.id = u.organisation_id WHERE t.id = $1`,
      [value],
    )) as AccountScope[];
    return rows[0] ?? null;
  };
}

/**
 * A user's own account (their tokens): the user themself, their organisation's admins, or a platform
 * admin. Anyone who can see the organisation but is none of these gets 403; anyone else 404.
 */
export function accountManagement(locate: AccountLocator): Policy {
  return policy('the user themself, their organisation admin or platform admin', async (ctx) => {
    const account = await locate(ctx);
    if (!account) throw new DomainException('NOT_FOUND');
    const { actor } = ctx;
    if (isPlatformAdmin(actor) || actor.userId === account.userId) return true;
    const visible =
      account.organisationId !== null &&
      account.divisionCode !== null &&
      organisationVisibleTo(actor, { id: account.organisationId, divisionCode: account.divisionCode });
    if (!visible) throw new DomainException('NOT_FOUND');
    return actor.organisationId === account.organisationId && actor.role === 'admin';
  });
}

/** The holder of the licence named by route parameter `id`. */
export const licenceHolder: OrganisationLocator = organisationOwning(`SELECT organisation_id FROM licences WHERE id = $1`);
