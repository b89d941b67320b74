import { RuleDefinition, ThresholdDefinition } from './rule-registry';

/** Threshold values by parameter name. */
export type ThresholdValues = Record<string, number>;

export interface ThresholdOverride {
  divisionPrefix: string;
  params: ThresholdValues;
}

const PARAM_NAME = /^[a-z][A-Za-z]{0,40}$/;
const RULE_CODE = /^[A-Z][A-Z0-9_]{2,63}$/;

/** A number for SQL text; only finite numbers from the registry ever get here. */
function literal(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`threshold ${value} is not a finite number`);
  return `${value}::float8`;
}

/** '' (everywhere), or a province, city or district prefix: 2, 4 or 6 digits. */
export function isDivisionPrefix(value: string): boolean {
  return /^([1-9][0-9]([0-9]{2}){0,2})?$/.test(value);
}

/**
 * The CTE `thr(division_code, <param>…)`: the effective thresholds of one rule for every division
 * code an organisation has. An override applies to the divisions its prefix covers; the longest
 * (most specific) prefix that sets a parameter wins; otherwise the registry's default. Rules join it
 * on the division of the organisation an alert concerns.
 */
export function thresholdCte(rule: RuleDefinition): string {
  if (!RULE_CODE.test(rule.code)) throw new Error(`bad rule code ${rule.code}`);
  const columns = Object.entries(rule.thresholds).map(([name, def]) => {
    if (!PARAM_NAME.test(name)) throw new Error(`bad threshold name ${name}`);
    return `coalesce((SELECT (t.params->>'${name}')::float8 FROM rule_thresholds t
                       WHERE t.rule = '${rule.code}' AND starts_with(d.division_code, t.division_prefix) AND t.params ? '${name}'
                       ORDER BY length(t.division_prefix) DESC LIMIT 1), ${literal(def.default)}) AS "${name}"`;
  });
  return `thr AS MATERIALIZED (SELECT d.division_code${columns.map((c) => `, ${c}`).join('')}
                  FROM (SELECT DISTINCT division_code FROM organisations) d)`;
}

export interface ThresholdProblem {
  param: string;
  reason: string;
}

/** Problems with an override's parameters: unknown names, non-numbers, values out of range. */
export function thresholdProblems(rule: RuleDefinition, params: Record<string, unknown>): ThresholdProblem[] {
  const problems: ThresholdProblem[] = [];
  for (const [name, value] of Object.entries(params)) {
    const def: ThresholdDefinition | undefined = rule.thresholds[name];
    if (!def) {
      problems.push({ param: name, reason: `unknown; ${rule.code} has ${Object.keys(rule.thresholds).join(', ') || 'no thresholds'}` });
    } else if (typeof value !== 'number' || !Number.isFinite(value)) {
      problems.push({ param: name, reason: 'must be a number' });
    } else if (value < def.min || value > def.max) {
      problems.push({ param: name, reason: `must be between ${def.min} and ${def.max} ${def.unit}` });
    }
  }
  return problems;
}

/** The same resolution as thresholdCte, in TypeScript (for showing effective values). */
export function effectiveThresholds(rule: RuleDefinition, divisionCode: string, overrides: ThresholdOverride[]): ThresholdValues {
  const values: ThresholdValues = {};
  const applicable = overrides.filter((o) => divisionCode.startsWith(o.divisionPrefix)).sort((a, b) => b.divisionPrefix.length - a.divisionPrefix.length);
  for (const [name, def] of Object.entries(rule.thresholds)) {
    const hit = applicable.find((o) => typeof o.params[name] === 'number');
    values[name] = hit ? hit.params[name] : def.default;
  }
  return values;
}
