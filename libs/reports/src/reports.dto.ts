import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { EXPORT_FORMATS, ExportFormat } from './export/export-column';
import { MASS_BALANCE_BUCKETS, MassBalanceBucket } from './mass-balance/mass-balance.sql';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const WASTE_CODE = /^[0-9]{3}-[0-9]{3}-[0-9]{2}$/;
const DIVISION = /^(\d{2}|\d{4}|[1-9]\d{5})$/;

/** Query strings carry lists as repeated keys or comma-separated values. */
const toList = ({ value }: { value: unknown }): unknown =>
  value === undefined ? undefined : (Array.isArray(value) ? value : [value]).flatMap((v) => String(v).split(',')).map((v) => v.trim()).filter(Boolean);

export class PeriodQueryDto {
  @ApiProperty({ example: '2025-01-01', description: 'First day of the period (China time), included.' })
  @Matches(DAY, { message: 'from must be a day YYYY-MM-DD' })
  from: string;

  @ApiProperty({ example: '2025-12-31', description: 'Last day of the period (China time), included.' })
  @Matches(DAY, { message: 'to must be a day YYYY-MM-DD' })
  to: string;
}

export class UnitReportQueryDto extends PeriodQueryDto {
  @ApiPropertyOptional({ description: "The unit (产生单位 / 经营单位). Default: the caller's own organisation." })
  @IsOptional()
  @IsUUID()
  organisationId?: string;
}

export class LedgerBookQueryDto extends UnitReportQueryDto {
  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'csv' })
  @IsOptional()
  @IsIn(EXPORT_FORMATS)
  format?: ExportFormat;
}

export class MassBalanceQueryDto extends UnitReportQueryDto {
  @ApiPropertyOptional({ example: '900-041-49' }) @IsOptional() @Matches(WASTE_CODE) wasteCode?: string;
}

export class MassBalanceContainersQueryDto extends MassBalanceQueryDto {
  @ApiPropertyOptional({ enum: MASS_BALANCE_BUCKETS, description: 'Only containers in this bucket (default: every bucket).' })
  @IsOptional()
  @IsIn(MASS_BALANCE_BUCKETS)
  bucket?: MassBalanceBucket;

  @ApiPropertyOptional({ description: 'Keyset cursor: the last id of the previous page.' }) @IsOptional() @IsUUID() after?: string;
  @ApiPropertyOptional({ default: 100 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
}

export class DistrictQueryDto {
  @ApiPropertyOptional({
    example: '500106',
    description: "Division code (500000, 500100, 500106) or prefix (50, 5001). A regulator defaults to its whole jurisdiction; a platform admin must name one.",
  })
  @IsOptional()
  @Matches(DIVISION)
  division?: string;

  @ApiPropertyOptional({ example: '2025-01-01', description: 'Default: 1 January of this year (China time).' }) @IsOptional() @Matches(DAY) from?: string;
  @ApiPropertyOptional({ example: '2025-12-31', description: 'Default: today (China time).' }) @IsOptional() @Matches(DAY) to?: string;
}

export class MapQueryDto {
  @ApiPropertyOptional({ example: '500106', description: 'As for the district figures.' }) @IsOptional() @Matches(DIVISION) division?: string;
}

const ORG_ROLES = ['generator', 'collector', 'transporter', 'receiver'] as const;
const MANAGEMENT_CLASSES = ['key', 'simplified', 'registered'] as const;
const GENERATOR_KINDS = ['industrial', 'medical', 'lab', 'school', 'auto_repair', 'small_other'] as const;

export class CreateDrawDto {
  @ApiPropertyOptional({
    example: '2025年第三季度双随机抽查',
    description: 'Seed of the draw (published with it; the same seed and population give the same sample). Default: a random one.',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  seed?: string;

  @ApiProperty({ example: 5, description: 'How many units to draw (all of the population when it is smaller).' })
  @IsInt()
  @Min(1)
  @Max(1000)
  size: number;

  @ApiPropertyOptional({ default: false, description: 'Weight units by risk (from their compliance score over the last 365 days).' })
  @IsOptional()
  @IsBoolean()
  weighted?: boolean;

  @ApiPropertyOptional({ enum: ORG_ROLES, isArray: true, description: 'Units with any of these roles.' })
  @IsOptional()
  @Transform(toList)
  @IsArray()
  @ArrayMaxSize(ORG_ROLES.length)
  @IsIn(ORG_ROLES, { each: true })
  roles?: string[];

  @ApiPropertyOptional({ enum: MANAGEMENT_CLASSES, isArray: true, description: '重点监管 / 简化管理 / 登记管理.' })
  @IsOptional()
  @Transform(toList)
  @IsArray()
  @ArrayMaxSize(MANAGEMENT_CLASSES.length)
  @IsIn(MANAGEMENT_CLASSES, { each: true })
  managementClasses?: string[];

  @ApiPropertyOptional({ enum: GENERATOR_KINDS, isArray: true })
  @IsOptional()
  @Transform(toList)
  @IsArray()
  @ArrayMaxSize(GENERATOR_KINDS.length)
  @IsIn(GENERATOR_KINDS, { each: true })
  generatorKinds?: string[];

  @ApiPropertyOptional({ example: '500106', description: 'Part of the jurisdiction to draw from (default: all of it).' })
  @IsOptional()
  @Matches(DIVISION)
  division?: string;

  @ApiPropertyOptional({ type: [String], description: 'Inspectors (执法人员) to assign at random to each drawn unit.' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(50, { each: true })
  inspectors?: string[];

  @ApiPropertyOptional({ default: 2, description: 'Inspectors per unit (when inspectors are given).' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5)
  inspectorsPerUnit?: number;
}

export class InspectionResultDto {
  @ApiProperty({ description: 'The sampled unit inspected.' }) @IsUUID() organisationId: string;
  @ApiProperty({ enum: ['passed', 'failed'] }) @IsIn(['passed', 'failed']) result: 'passed' | 'failed';
  @ApiPropertyOptional({ description: 'What was found (required when failed).', maxLength: 4000 })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  findings?: string;
  @ApiProperty({ example: '张三、李四', description: 'Who inspected.' }) @IsString() @MinLength(1) @MaxLength(200) inspector: string;
  @ApiProperty({ example: '2025-09-15', description: 'Day of the inspection.' }) @Matches(DAY) inspectedOn: string;
}

export class DrawListQueryDto {
  @ApiPropertyOptional({ default: 50 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) limit?: number;
}
