import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsNumber, IsOptional, IsPositive, IsUUID, Matches, Max } from 'class-validator';
import { IsCalendarDate, LICENCE_CHECK_REASONS, LICENCE_KINDS, LicenceKind, WASTE_CODE_PATTERN } from '@app/parties';

export class ReceiverCheckQuery {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  receiverId: string;

  @ApiProperty({ example: '900-041-49' })
  @Matches(WASTE_CODE_PATTERN, { message: 'wasteCode must look like 900-041-49' })
  wasteCode: string;

  @ApiProperty({ example: 1.5, description: 'The load in tonnes.' })
  @Type(() => Number)
  @IsNumber({ maxDecimalPlaces: 3 })
  @IsPositive()
  @Max(1_000_000)
  tonnes: number;

  @ApiPropertyOptional({ example: '2026-03-01', description: 'The day of the transfer (YYYY-MM-DD); today in China when omitted.' })
  @IsOptional()
  @IsCalendarDate()
  date?: string;
}

export class CarrierCheckQuery {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  carrierId: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  vehicleId: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  driverId?: string;

  @ApiProperty({ example: '841-001-01' })
  @Matches(WASTE_CODE_PATTERN, { message: 'wasteCode must look like 900-041-49' })
  wasteCode: string;

  @ApiPropertyOptional({ example: '2026-03-01', description: 'The day of the transfer (YYYY-MM-DD); today in China when omitted.' })
  @IsOptional()
  @IsCalendarDate()
  date?: string;
}

export class LicenceCheckReasonDto {
  @ApiProperty({ enum: Object.keys(LICENCE_CHECK_REASONS) }) code: string;
  @ApiProperty() message_en: string;
  @ApiProperty() message_zh: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'The licence the reason is about, when there is one.' }) licenceId?: string;
}

export class LicenceRefDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: LICENCE_KINDS }) kind: LicenceKind;
  @ApiProperty() number: string;
}

export class CapacityUseDto {
  @ApiProperty({ format: 'uuid' }) licenceId: string;
  @ApiProperty() year: number;
  @ApiProperty() annualTonnes: number;
  @ApiProperty({ description: 'Tonnes already committed to the receiver this calendar year.' }) committedTonnes: number;
  @ApiProperty() remainingTonnes: number;
}

export class LicenceCheckResultDto {
  @ApiProperty() allowed: boolean;
  @ApiProperty({ type: [LicenceCheckReasonDto], description: 'Why not; empty when allowed.' }) reasons: LicenceCheckReasonDto[];
  @ApiProperty({ type: [LicenceRefDto], description: 'The licences that allow it, when allowed.' }) licences: LicenceRefDto[];
  @ApiPropertyOptional({ type: CapacityUseDto, description: 'Receiver checks: the capacity of the covering licence.' }) capacity?: CapacityUseDto;
}
