import { formatManifestNumber, manifestPrefix } from './manifest-number';
import { addWorkingDays } from './working-days';

describe('manifest numbers', () => {
  it('uses YYYY5001 for every district of 重庆', () => {
    expect(manifestPrefix(2026, '500106')).toBe('20265001');
    expect(manifestPrefix(2026, '500235')).toBe('20265001');
  });
  it('uses province and city elsewhere', () => {
    expect(manifestPrefix(2026, '510107')).toBe('20265101');
  });
  it('has 14 digits', () => {
    expect(formatManifestNumber('20265001', 42)).toBe('20265001000042');
    expect(() => formatManifestNumber('20265001', 1_000_000)).toThrow(RangeError);
  });
});

describe('Chinese working days', () => {
  it('skips weekends', () => {
    // Friday 2026-11-27 + 5 working days = Friday 2026-12-04.
    expect(addWorkingDays('2026-11-27', 5)).toBe('2026-12-04');
  });
  it('skips the National Day holiday and counts its make-up Saturday', () => {
    const due = addWorkingDays('2026-09-30', 5);
    expect(due > '2026-10-08').toBe(true);
  });
});
