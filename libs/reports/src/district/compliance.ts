/**
 * The compliance score of a unit, built from its alerts (docs/reports.md):
 *
 *   score = max(0, 100 − Σ severityWeight(alert) × statusFactor(alert))
 *
 * over the unit's alerts that were opened in the period or are still unresolved. An open alert
 * weighs fully, one a regulator has acknowledged (being worked on) half, a resolved one a quarter:
 * it did happen. 100 is a unit with no alert; the score never goes below 0.
 *
 * The weights are one table used both here (unit tests, the documentation) and, compiled to SQL,
 * by the set-based queries that score every unit of a district at once.
 */
export const SEVERITY_WEIGHTS: Readonly<Record<string, number>> = {
  critical: 20,
  high: 10,
  medium: 5,
  low: 2,
};
/** A severity not in the table (a rule added later) counts as medium. */
export const DEFAULT_SEVERITY_WEIGHT = 5;

export const STATUS_FACTORS: Readonly<Record<string, number>> = {
  open: 1,
  acknowledged: 0.5,
  resolved: 0.25,
};
export const DEFAULT_STATUS_FACTOR = 1;

export interface ScoredAlert {
  severity: string;
  status: string;
}

export function alertPenalty(alert: ScoredAlert): number {
  return (SEVERITY_WEIGHTS[alert.severity] ?? DEFAULT_SEVERITY_WEIGHT) * (STATUS_FACTORS[alert.status] ?? DEFAULT_STATUS_FACTOR);
}

export function complianceScore(alerts: readonly ScoredAlert[]): number {
  const penalty = alerts.reduce((sum, a) => sum + alertPenalty(a), 0);
  return Math.max(0, Math.round((100 - penalty) * 100) / 100);
}

const literal = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** The penalty of one alert row as a SQL expression over columns `<alias>.severity` and `<alias>.status`. */
export function alertPenaltySql(alias: string): string {
  const severity = Object.entries(SEVERITY_WEIGHTS).map(([k, v]) => `WHEN ${literal(k)} THEN ${v}`).join(' ');
  const status = Object.entries(STATUS_FACTORS).map(([k, v]) => `WHEN ${literal(k)} THEN ${v}`).join(' ');
  return `((CASE ${alias}.severity::text ${severity} ELSE ${DEFAULT_SEVERITY_WEIGHT} END) * (CASE ${alias}.status::text ${status} ELSE ${DEFAULT_STATUS_FACTOR} END))`;
}

/** Sampling weight of a unit from its score: 1 for a spotless unit up to 11 for a score of 0. */
export function riskWeight(score: number): number {
  return Math.round((1 + (100 - Math.min(100, Math.max(0, score))) / 10) * 1000) / 1000;
}
