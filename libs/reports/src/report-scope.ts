import { DomainException } from '@app/errors';
import { Actor, divisionPrefix, isPlatformAdmin } from '@app/parties';
import './reports.errors';

/** A division as the API takes it: a province, city or county code (500000, 500100, 500106) or a 2/4/6-digit prefix. */
export const DIVISION_PATTERN = /^(\d{2}|\d{4}|[1-9]\d{5})$/;

export function prefixOf(division: string): string {
  return division.length === 6 ? divisionPrefix(division) : division;
}

/**
 * The division-code prefixes a district report covers. A regulator gets its jurisdiction, or the part
 * of it it names; it never gets anything outside. A platform admin names the division.
 */
export function divisionScope(actor: Actor, division?: string): string[] {
  const asked = division ? prefixOf(division) : null;
  if (isPlatformAdmin(actor)) {
    if (!asked) throw new DomainException('DIVISION_REQUIRED', {}, { field: 'division' });
    return [asked];
  }
  const own = actor.jurisdictionPrefixes;
  if (!asked) return own;
  if (!own.some((p) => asked.startsWith(p))) throw new DomainException('DIVISION_OUTSIDE_JURISDICTION', { division });
  return [asked];
}

/** SQL: does division-code column `column` start with one of the prefixes in parameter `$param` (text[])? */
export function inPrefixes(column: string, param: string): string {
  return `EXISTS (SELECT 1 FROM unnest(${param}::text[]) AS p(prefix) WHERE ${column} LIKE p.prefix || '%')`;
}
