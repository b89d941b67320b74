import { allowsDangerousGoodsClass, coversWasteCode, dangerousGoodsClassFor, validityOn, wasteCategoryOf } from './licence-rules';

describe('licence rules', () => {
  const licence = { wasteCodes: ['900-041-49'], wasteCategories: ['HW08'], validFrom: '2025-01-01', validTo: '2025-12-31' };

  it('takes the category from the last two digits of the code', () => {
    expect(wasteCategoryOf('841-001-01')).toBe('HW01');
    expect(wasteCategoryOf('900-249-08')).toBe('HW08');
  });

  it('covers a listed code, and any code of a listed category', () => {
    expect(coversWasteCode(licence, '900-041-49')).toBe(true);
    expect(coversWasteCode(licence, '900-249-08')).toBe(true);
    expect(coversWasteCode(licence, '900-039-49')).toBe(false);
    expect(coversWasteCode(licence, '841-001-01')).toBe(false);
  });

  it('is valid on both end days and not outside them', () => {
    expect(validityOn(licence, '2025-01-01')).toBe('valid');
    expect(validityOn(licence, '2025-12-31')).toBe('valid');
    expect(validityOn(licence, '2024-12-31')).toBe('not_yet_valid');
    expect(validityOn(licence, '2026-01-01')).toBe('expired');
  });

  it('needs class 6.2 for medical waste only', () => {
    expect(dangerousGoodsClassFor('841-001-01')).toBe('6.2');
    expect(dangerousGoodsClassFor('900-041-49')).toBeNull();
    expect(allowsDangerousGoodsClass(['3', '8'], '6.2')).toBe(false);
    expect(allowsDangerousGoodsClass(['6.2'], '6.2')).toBe(true);
    expect(allowsDangerousGoodsClass([], '6.2')).toBe(true);
    expect(allowsDangerousGoodsClass(['3'], null)).toBe(true);
  });
});
