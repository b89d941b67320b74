import { RULES, RULE_CODES, RULE_LIST, SEVERITIES, isRuleCode } from './rule-registry';
import { VIOLATIONS } from './rule-sql';

describe('rule registry', () => {
  it('covers every missing link of the domain brief (1–12)', () => {
    expect(new Set(RULE_LIST.map((r) => r.domainRule))).toEqual(new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]));
  });

  it('keys every rule by its own code, with SQL, both languages and a known severity', () => {
    for (const code of RULE_CODES) {
      const rule = RULES[code];
      expect(rule.code).toBe(code);
      expect(typeof VIOLATIONS[code]).toBe('function');
      expect(SEVERITIES).toContain(rule.severity);
      for (const text of [rule.title, rule.description]) {
        expect(text.zh).toMatch(/[\u4e00-\u9fff]/);
        expect(text.en).toMatch(/^[A-Z]/);
      }
    }
    expect(isRuleCode('STORED_TOO_LONG')).toBe(true);
    expect(isRuleCode('stored_too_long')).toBe(false);
  });

  it('has defaults inside their own bounds, and the limits the law sets', () => {
    for (const rule of RULE_LIST) {
      for (const [name, t] of Object.entries(rule.thresholds)) {
        expect({ rule: rule.code, name, ok: t.min <= t.default && t.default <= t.max }).toEqual({ rule: rule.code, name, ok: true });
      }
    }
    expect(RULES.STORED_TOO_LONG.thresholds.medicalHours.default).toBe(48);
    expect(RULES.STORED_TOO_LONG.thresholds.hazardousDays.default).toBe(365);
  });

  it('lets only the time-free evidence of tampering stay open until a regulator resolves it', () => {
    expect(RULE_LIST.filter((r) => !r.autoResolve).map((r) => r.code)).toEqual(['CLONED_LABEL', 'LABEL_FORGED', 'CODE_NEVER_ISSUED', 'EVENTS_OUT_OF_ORDER']);
  });

  it('renders SQL that names the scope only where it may', () => {
    const scoped = { whole: false, where: (c: string) => `${c} = ANY($3::uuid[])` };
    const whole = { whole: true, where: () => 'true' };
    for (const code of RULE_CODES) {
      expect(VIOLATIONS[code](scoped)).toContain('$3::uuid[]');
      expect(VIOLATIONS[code](whole)).not.toContain('$3');
    }
  });
});
