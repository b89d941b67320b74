import { RULES } from './rule-registry';
import { ThresholdOverride, effectiveThresholds, isDivisionPrefix, thresholdCte, thresholdProblems } from './thresholds';

describe('thresholds', () => {
  const rule = RULES.STORED_TOO_LONG;

  it('takes the most specific override that sets a parameter, else the default', () => {
    const overrides: ThresholdOverride[] = [
      { divisionPrefix: '', params: { medicalHours: 60 } },
      { divisionPrefix: '5001', params: { hazardousDays: 180 } },
      { divisionPrefix: '500106', params: { medicalHours: 36 } },
    ];
    expect(effectiveThresholds(rule, '500106', overrides)).toEqual({ medicalHours: 36, hazardousDays: 180 });
    expect(effectiveThresholds(rule, '500112', overrides)).toEqual({ medicalHours: 60, hazardousDays: 180 });
    expect(effectiveThresholds(rule, '510104', overrides)).toEqual({ medicalHours: 60, hazardousDays: 365 });
    expect(effectiveThresholds(rule, '510104', [])).toEqual({ medicalHours: 48, hazardousDays: 365 });
  });

  it('refuses unknown parameters, non-numbers and values out of bounds', () => {
    expect(thresholdProblems(rule, { medicalHours: 24 })).toEqual([]);
    expect(thresholdProblems(rule, { medicalHours: 0, hazardousDays: '9', colour: 1 }).map((p) => p.param)).toEqual(['medicalHours', 'hazardousDays', 'colour']);
  });

  it('accepts everywhere, provinces, cities and districts as prefixes', () => {
    for (const ok of ['', '50', '5001', '500106']) expect(isDivisionPrefix(ok)).toBe(true);
    for (const bad of ['5', '500', '0001', '5001061', '50a1']) expect(isDivisionPrefix(bad)).toBe(false);
  });

  it('writes the defaults into the CTE as numbers and quotes the parameter names', () => {
    const sql = thresholdCte(rule);
    expect(sql).toContain(`48::float8) AS "medicalHours"`);
    expect(sql).toContain(`t.rule = 'STORED_TOO_LONG'`);
    expect(thresholdCte(RULES.LABEL_FORGED)).toMatch(/^thr AS MATERIALIZED \(SELECT d\.division_code\s+FROM/);
  });
});
