import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AlertSubjectType, RULES, RuleCode, Severity, isRuleCode } from '../rules/rule-registry';

export type AlertStatus = 'open' | 'acknowledged' | 'resolved';

/** A row of `alerts` as node-postgres returns it. */
export interface AlertRow {
  id: string;
  rule: string;
  severity: Severity;
  subject_type: AlertSubjectType;
  subject_id: string;
  organisation_id: string;
  division_code: string;
  party_ids: string[];
  region_keys: string[];
  status: AlertStatus;
  fingerprint: string;
  details: Record<string, unknown>;
  source: 'event' | 'sweep';
  trigger_seq: string | null;
  opened_at: Date;
  updated_at: Date;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  resolved_at: Date | null;
  resolved_by: string | null;
  resolution_note: string | null;
  resolved_automatically: boolean | null;
}

class TextView {
  @ApiProperty() zh: string;
  @ApiProperty() en: string;
}

/** An alert as the API and webhooks show it. */
export class AlertView {
  @ApiProperty() id: string;
  @ApiProperty({ description: 'Stable rule code, e.g. LISTED_NOT_LOADED (see GET /alert-rules).' }) rule: string;
  @ApiProperty({ type: TextView }) title: TextView;
  @ApiProperty({ enum: ['critical', 'high', 'medium', 'low'] }) severity: Severity;
  @ApiProperty({ enum: ['container', 'manifest', 'organisation'] }) subjectType: AlertSubjectType;
  @ApiProperty() subjectId: string;
  @ApiProperty({ description: 'The party the alert concerns.' }) organisationId: string;
  @ApiProperty({ description: "That party's administrative division." }) divisionCode: string;
  @ApiProperty({ enum: ['open', 'acknowledged', 'resolved'] }) status: AlertStatus;
  @ApiProperty({ description: 'What was found, for people: codes, manifest numbers, weights, times.' }) details: Record<string, unknown>;
  @ApiProperty({ enum: ['event', 'sweep'], description: 'Found by the incremental path (an event) or by a sweep.' }) source: 'event' | 'sweep';
  @ApiProperty() openedAt: string;
  @ApiPropertyOptional({ nullable: true }) acknowledgedAt: string | null;
  @ApiPropertyOptional({ nullable: true }) acknowledgedBy: string | null;
  @ApiPropertyOptional({ nullable: true }) resolvedAt: string | null;
  @ApiPropertyOptional({ nullable: true }) resolvedBy: string | null;
  @ApiPropertyOptional({ nullable: true }) resolutionNote: string | null;
  @ApiPropertyOptional({ nullable: true, description: 'True when the condition cleared by itself; false when a regulator resolved it.' })
  resolvedAutomatically: boolean | null;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function toAlertView(row: AlertRow): AlertView {
  const rule = isRuleCode(row.rule) ? RULES[row.rule as RuleCode] : null;
  return {
    id: row.id,
    rule: row.rule,
    title: rule ? { ...rule.title } : { zh: row.rule, en: row.rule },
    severity: row.severity,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    organisationId: row.organisation_id,
    divisionCode: row.division_code,
    status: row.status,
    details: row.details,
    source: row.source,
    openedAt: row.opened_at.toISOString(),
    acknowledgedAt: iso(row.acknowledged_at),
    acknowledgedBy: row.acknowledged_by,
    resolvedAt: iso(row.resolved_at),
    resolvedBy: row.resolved_by,
    resolutionNote: row.resolution_note,
    resolvedAutomatically: row.resolved_automatically,
  };
}
