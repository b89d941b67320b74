import { ApiProperty } from '@nestjs/swagger';
import { IsObject, Matches } from 'class-validator';
import { SEVERITIES } from './rule-registry';

export class ThresholdView {
  @ApiProperty() name: string;
  @ApiProperty() default: number;
  @ApiProperty() min: number;
  @ApiProperty() max: number;
  @ApiProperty() unit: string;
  @ApiProperty() zh: string;
  @ApiProperty() en: string;
}

export class OverrideView {
  @ApiProperty({ description: "'' = everywhere; a province (2), city (4) or district (6) division prefix." }) divisionPrefix: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' } }) params: Record<string, number>;
  @ApiProperty() updatedAt: string;
}

export class RuleView {
  @ApiProperty() code: string;
  @ApiProperty({ description: 'The numbered missing link of the domain brief (1–12).' }) domainRule: number;
  @ApiProperty({ enum: SEVERITIES }) severity: string;
  @ApiProperty({ enum: ['container', 'manifest', 'organisation'] }) subjectType: string;
  @ApiProperty() title: { zh: string; en: string };
  @ApiProperty() description: { zh: string; en: string };
  @ApiProperty({ description: 'Re-evaluated within a second of each event that touches its subject.' }) incremental: boolean;
  @ApiProperty({ description: 'Swept every minute: it depends on the clock, or on licences and approvals, which change without a ledger event.' }) timeBased: boolean;
  @ApiProperty({ description: 'Resolves itself when the condition clears (otherwise only a regulator resolves it).' }) autoResolve: boolean;
  @ApiProperty({ type: [ThresholdView] }) thresholds: ThresholdView[];
  @ApiProperty({ type: [OverrideView] }) overrides: OverrideView[];
}

export class RuleListResponse {
  @ApiProperty({ type: [RuleView] }) rules: RuleView[];
}

export class SetThresholdsDto {
  @ApiProperty({ example: '500106', description: "'' for every district, or a 2/4/6-digit division prefix." })
  @Matches(/^([1-9][0-9]([0-9]{2}){0,2})?$/)
  divisionPrefix: string;

  @ApiProperty({ example: { medicalHours: 36 }, description: 'Parameter values; the ones left out fall back to a less specific override or the default.' })
  @IsObject()
  params: Record<string, unknown>;
}
