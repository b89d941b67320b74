import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsNumber, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { ALERT_SUBJECT_TYPES, RULE_CODES, SEVERITIES } from '../rules/rule-registry';
import { AlertView } from './alert-row';

export class AlertListQueryDto {
  @ApiPropertyOptional({ enum: RULE_CODES }) @IsOptional() @IsIn(RULE_CODES) rule?: string;
  @ApiPropertyOptional({ enum: SEVERITIES }) @IsOptional() @IsIn(SEVERITIES) severity?: string;
  @ApiPropertyOptional({
    enum: ['open', 'acknowledged', 'resolved', 'active'],
    description: '`active` = open or acknowledged. Default: every status.',
  })
  @IsOptional()
  @IsIn(['open', 'acknowledged', 'resolved', 'active'])
  status?: string;
  @ApiPropertyOptional({ description: 'The party the alert concerns.' }) @IsOptional() @IsUUID() organisationId?: string;
  @ApiPropertyOptional({ enum: ALERT_SUBJECT_TYPES }) @IsOptional() @IsIn(ALERT_SUBJECT_TYPES) subjectType?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() subjectId?: string;
  @ApiPropertyOptional({ description: 'Opened at least this many hours ago.' })
  @IsOptional()
  @Type(() => Number)
  @IsNumber()
  @Min(0)
  @Max(87_600)
  minAgeHours?: number;
  @ApiPropertyOptional({ description: 'Opened at most this many hours ago.' })
  @IsOptional()
  @Type(() => Number)
  @IsNumber()
  @Min(0)
  @Max(87_600)
  maxAgeHours?: number;
  @ApiPropertyOptional({ description: 'Cursor from the previous page (`next`).' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,200}$/)
  after?: string;
  @ApiPropertyOptional({ default: 50 }) @IsOptional() @Type(() => Number) @IsNumber() @Min(1) @Max(500) limit?: number;
}

export class AlertPage {
  @ApiProperty({ type: [AlertView] }) alerts: AlertView[];
  @ApiProperty({ nullable: true, description: 'Pass as `after` for the next page; null on the last page. Newest first.' }) next: string | null;
}

export class ResolveAlertDto {
  @ApiProperty({ example: '现场核查：桶已找回并补扫装车，系驾驶员漏扫。', description: 'What was found and done (1–2000 characters).' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  note: string;
}
