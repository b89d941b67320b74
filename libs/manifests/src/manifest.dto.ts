import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDateString,
  IsIn,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';

export class LegDto {
  @ApiProperty({ description: 'The transporter (承运人).' }) @IsUUID() carrierId: string;
  @ApiProperty() @IsUUID() vehicleId: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() driverId?: string;
}

export class CreateManifestDto {
  @ApiProperty({ description: 'The licensed receiver (接受人).' }) @IsUUID() receiverId: string;

  @ApiProperty({ type: [LegDto], description: '1–5 carriers in the order they carry (联运).' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(5)
  @ValidateNested({ each: true })
  @Type(() => LegDto)
  legs: LegDto[];

  @ApiProperty({ type: [String], description: 'Containers to ship (ids). Containers packed inside them travel with them.' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true })
  containerIds: string[];

  @ApiProperty({ example: '泄漏时用吸附棉围堵收集，通知 12369。', description: 'Emergency measures (应急措施).' })
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  emergencyMeasures: string;

  @ApiProperty() @IsDateString({ strict: true }) plannedStart: string;
  @ApiProperty() @IsDateString({ strict: true }) plannedEnd: string;

  @ApiPropertyOptional({ description: 'Cross-province approval (跨省转移审批).' }) @IsOptional() @IsUUID() approvalId?: string;
  @ApiPropertyOptional({ description: 'The collection round this trip belongs to.' }) @IsOptional() @IsUUID() roundId?: string;

  @ApiPropertyOptional({ description: 'The manifest whose refused containers this one carries back (return) or on (onward).' })
  @IsOptional()
  @IsUUID()
  parentId?: string;

  @ApiPropertyOptional({ enum: ['return', 'onward'] }) @IsOptional() @IsIn(['return', 'onward']) relation?: 'return' | 'onward';

  @ApiPropertyOptional({ description: 'A paper manifest used during an outage, back-filled (within 10 working days).' })
  @IsOptional()
  @IsBoolean()
  paperBackfill?: boolean;
}

export class ReceiptDecisionDto {
  @ApiProperty() @IsUUID() containerId: string;
  @ApiProperty({ enum: ['accepted', 'partially_refused', 'refused'] }) @IsIn(['accepted', 'partially_refused', 'refused']) decision: 'accepted' | 'partially_refused' | 'refused';
  @ApiPropertyOptional({ description: 'kg refused, for a partial refusal.' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 3 })
  @Min(0.001)
  @Max(100_000)
  refusedKg?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(500) reason?: string;
}

export class ReceiptDto {
  @ApiProperty({ type: [ReceiptDecisionDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => ReceiptDecisionDto)
  decisions: ReceiptDecisionDto[];
}

export class ConfirmDto {
  @ApiPropertyOptional({ description: "The receiver's acceptance opinion (接受意见)." }) @IsOptional() @IsString() @MaxLength(1000) opinion?: string;
}

export class FinalOperationDto {
  @ApiProperty() @IsUUID() containerId: string;
  @ApiProperty({ example: 'D10', description: 'Method code (R/D/C are final; S1 storage, S2 regrouping/repackaging are not).' })
  @Matches(/^[RDCS][0-9]{1,2}$/)
  method: string;
}

export class FinalOperationsDto {
  @ApiProperty({ type: [FinalOperationDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => FinalOperationDto)
  operations: FinalOperationDto[];
}

export const SCAN_KINDS = ['load', 'handover', 'arrive'] as const;
export type ScanKind = (typeof SCAN_KINDS)[number];

export class ScanDto {
  @ApiProperty({ description: 'Client-generated key, unique per device: a retried upload with the same key is answered, never recorded twice.' })
  @IsString()
  @Matches(/^[\w.:-]{1,100}$/)
  idempotencyKey: string;

  @ApiProperty({ description: 'The scanning device.' }) @IsString() @Matches(/^[\w.:-]{1,64}$/) deviceId: string;
  @ApiProperty({ enum: SCAN_KINDS }) @IsIn(SCAN_KINDS) kind: ScanKind;
  @ApiProperty() @IsUUID() manifestId: string;
  @ApiProperty({ description: 'The scanned QR payload.' }) @IsString() @MaxLength(300) label: string;
  @ApiProperty({ description: 'When the device scanned it (its own clock).' }) @IsDateString({ strict: true }) deviceTime: string;
  @ApiPropertyOptional() @IsOptional() @IsNumber() @Min(-90) @Max(90) lat?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber() @Min(-180) @Max(180) lng?: number;
  @ApiPropertyOptional({ description: 'Weight on arrival, kg.' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 3 })
  @Min(0)
  @Max(100_000)
  weightKg?: number;
}

export const MAX_SCAN_BATCH = 1000;

export class ScanBatchDto {
  @ApiProperty({ type: [ScanDto], description: `Up to ${MAX_SCAN_BATCH} scans made offline.` })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_SCAN_BATCH)
  @ValidateNested({ each: true })
  @Type(() => ScanDto)
  scans: ScanDto[];
}

export class ScanResultDto {
  @ApiProperty() idempotencyKey: string;
  @ApiProperty() accepted: boolean;
  @ApiProperty({ description: 'ACCEPTED, or why not (a stable error code).' }) code: string;
  @ApiProperty() message: string;
  @ApiProperty({ description: 'True when this answer repeats an earlier upload of the same scan.' }) duplicate: boolean;
  @ApiPropertyOptional({ nullable: true }) containerId: string | null;
}

export class ApprovalDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(64) number: string;
  @ApiProperty() @IsUUID() generatorId: string;
  @ApiProperty() @IsUUID() receiverId: string;
  @ApiProperty({ type: [String] }) @IsArray() @ArrayMinSize(1) @ArrayMaxSize(100) @Matches(/^[0-9]{3}-[0-9]{3}-[0-9]{2}$/, { each: true }) wasteCodes: string[];
  @ApiProperty() @IsNumber() @Min(0.001) @Max(10_000_000) tonnes: number;
  @ApiPropertyOptional({ description: '川渝 (黔/滇) whitelist fast lane.' }) @IsOptional() @IsBoolean() whitelist?: boolean;
  @ApiProperty({ example: '2026-01-01' }) @Matches(/^\d{4}-\d{2}-\d{2}$/) validFrom: string;
  @ApiProperty({ example: '2026-12-31' }) @Matches(/^\d{4}-\d{2}-\d{2}$/) validTo: string;
}

export class RoundDto {
  @ApiProperty() @IsUUID() vehicleId: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() driverId?: string;
  @ApiProperty() @IsUUID() receiverId: string;
  @ApiProperty({ example: '2026-11-28' }) @Matches(/^\d{4}-\d{2}-\d{2}$/) plannedDate: string;
}

export class ManifestListQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsIn(['draft', 'submitted', 'in_transit', 'arrived', 'received', 'confirmed', 'completed', 'cancelled']) status?: string;
  @ApiPropertyOptional({ description: 'Any party: generator, carrier or receiver.' }) @IsOptional() @IsUUID() partyId?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(/^[0-9]{3}-[0-9]{3}-[0-9]{2}$/) wasteCode?: string;
  @ApiPropertyOptional({ description: 'Created on or after (YYYY-MM-DD).' }) @IsOptional() @Matches(/^\d{4}-\d{2}-\d{2}$/) from?: string;
  @ApiPropertyOptional({ description: 'Created before (YYYY-MM-DD).' }) @IsOptional() @Matches(/^\d{4}-\d{2}-\d{2}$/) to?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() after?: string;
  @ApiPropertyOptional({ default: 50 }) @IsOptional() @Type(() => Number) @IsNumber() @Min(1) @Max(500) limit?: number;
}
