export type UserRole = 'admin' | 'operator' | 'driver' | 'viewer' | 'platform_admin';
export type OrganisationRole = 'generator' | 'collector' | 'transporter' | 'receiver' | 'regulator';

/** Who is calling: resolved once per request from the bearer token. */
export interface Actor {
  userId: string;
  tokenId: string;
  role: UserRole;
  organisationId: string | null;
  organisationRoles: OrganisationRole[];
  organisationDivision: string | null;
  /** Division-code prefixes the caller regulates (empty unless a regulator). */
  jurisdictionPrefixes: string[];
  driverId: string | null;
}

/** 500000 -> '50', 500100 -> '5001', 500106 -> '500106' (same rule as SQL division_prefix). */
export function divisionPrefix(code: string): string {
  if (code.endsWith('0000')) return code.slice(0, 2);
  if (code.endsWith('00')) return code.slice(0, 4);
  return code;
}

export function isPlatformAdmin(actor: Actor): boolean {
  return actor.role === 'platform_admin';
}

export function isRegulator(actor: Actor): boolean {
  return actor.organisationRoles.includes('regulator');
}

export function inJurisdiction(actor: Actor, divisionCode: string): boolean {
  return actor.jurisdictionPrefixes.some((prefix) => divisionCode.startsWith(prefix));
}

/** Users who may change their organisation's data (viewers and regulators' staff may not). */
export function canWrite(actor: Actor): boolean {
  return actor.role === 'admin' || actor.role === 'operator' || actor.role === 'driver';
}
