/** Pure rules about licences, shared by the licence checks and their tests. */

export interface LicenceTerms {
  wasteCodes: string[];
  wasteCategories: string[];
  validFrom: string;
  validTo: string;
}

/** 900-041-49 -> HW49: the category is the last two digits of the code. */
export function wasteCategoryOf(wasteCode: string): string {
  return `HW${wasteCode.slice(-2)}`;
}

/** A licence covers a waste code when it lists the code or the code's category. */
export function coversWasteCode(licence: Pick<LicenceTerms, 'wasteCodes' | 'wasteCategories'>, wasteCode: string): boolean {
  return licence.wasteCodes.includes(wasteCode) || licence.wasteCategories.includes(wasteCategoryOf(wasteCode));
}

export type Validity = 'valid' | 'expired' | 'not_yet_valid';

/** Validity on a calendar day; both ends are inclusive (a licence valid to 12-31 is good all that day). */
export function validityOn(licence: Pick<LicenceTerms, 'validFrom' | 'validTo'>, day: string): Validity {
  // YYYY-MM-DD strings compare in calendar order.
  if (day < licence.validFrom) return 'not_yet_valid';
  if (day > licence.validTo) return 'expired';
  return 'valid';
}

/** Medical waste travels as UN 3291, class 6.2 (infectious substances). */
export function dangerousGoodsClassFor(wasteCode: string): string | null {
  return wasteCategoryOf(wasteCode) === 'HW01' ? '6.2' : null;
}

/**
 * Whether a transport document allows a dangerous-goods class. A document listing no classes is
 * taken as unrestricted (older records often omit them); one that lists classes must list this one.
 */
export function allowsDangerousGoodsClass(classes: string[], needed: string | null): boolean {
  return needed === null || classes.length === 0 || classes.includes(needed);
}
