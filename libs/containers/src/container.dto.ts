import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
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

export const CONTAINER_TYPES = ['bag', 'drum', 'ibc', 'sharps_box', 'turnover_box', 'tonne_bag', 'pallet'] as const;
export const PHYSICAL_FORMS = ['solid', 'semi_solid', 'liquid', 'gas'] as const;
export const HAZARDS = ['T', 'C', 'I', 'R', 'In'] as const;
export const MAX_BATCH = 500;

export class NewContainerDto {
  @ApiProperty({ example: '841-001-01', description: '废物代码 from the catalogue (ddd-ddd-nn).' })
  @Matches(/^[0-9]{3}-[0-9]{3}-[0-9]{2}$/)
  wasteCode: string;

  @ApiProperty({ example: '感染性废物', description: '废物名称' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  wasteName: string;

  @ApiPropertyOptional({ example: '棉签、纱布、一次性输液器', description: '主要成分' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  components?: string;

  @ApiProperty({ enum: PHYSICAL_FORMS, description: '形态' })
  @IsIn(PHYSICAL_FORMS)
  physicalForm: (typeof PHYSICAL_FORMS)[number];

  @ApiPropertyOptional({
    enum: HAZARDS,
    isArray: true,
    description: '危险特性. Defaults to the catalogue entry; may only narrow it.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(5)
  @IsIn(HAZARDS, { each: true })
  hazards?: (typeof HAZARDS)[number][];

  @ApiProperty({ enum: CONTAINER_TYPES })
  @IsIn(CONTAINER_TYPES)
  containerType: (typeof CONTAINER_TYPES)[number];

  @ApiProperty({ example: 20, description: 'Container volume in litres (decides the label size).' })
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @Min(0.1)
  @Max(100_000)
  volumeLitres: number;

  @ApiProperty({ example: 3.5, description: 'Net weight in kg.' })
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 3 })
  @Min(0)
  @Max(100_000)
  netWeightKg: number;

  @ApiProperty({ example: '2026-11-28T08:30:00+08:00', description: 'When the waste was generated (产生日期 is its day in China time).' })
  @IsDateString({ strict: true })
  generatedAt: string;

  @ApiPropertyOptional({ description: 'Notes (for medical waste labels: 备注).' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  notes?: string;
}

export class RegisterContainersDto {
  @ApiPropertyOptional({ description: 'Book the new containers straight into this storage facility (入库).' })
  @IsOptional()
  @IsUUID()
  facilityId?: string;

  @ApiProperty({ type: [NewContainerDto], description: `1 to ${MAX_BATCH} containers, registered in one transaction.` })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BATCH)
  @ValidateNested({ each: true })
  @Type(() => NewContainerDto)
  containers: NewContainerDto[];
}

export class RegisteredContainerDto {
  @ApiProperty() id: string;
  @ApiProperty({ description: '数字识别码 (37 characters)' }) code: string;
  @ApiProperty({ description: 'What the QR code encodes: the code signed by the ledger key.' }) qrPayload: string;
}

export class LabelsDto {
  @ApiProperty({ type: [String], description: 'Scanned QR payloads.' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BATCH)
  @IsString({ each: true })
  @MaxLength(300, { each: true })
  labels: string[];
}

export class OwnDisposalDto extends LabelsDto {
  @ApiProperty({ example: 'D10', description: 'The final utilisation or disposal method (R, D or C), from the catalogue of methods.' })
  @IsString()
  @Matches(/^[A-Z][0-9]{1,2}$/)
  method: string;

  @ApiPropertyOptional({ maxLength: 500, description: 'Where and how, for the 台账 (e.g. the furnace or the batch).' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

export class VerifyLabelDto {
  @ApiProperty({ description: 'A scanned QR payload.' })
  @IsString()
  @MaxLength(300)
  payload: string;
}

export class RepackagingInputDto {
  @ApiProperty({ description: 'Scanned QR payload of the input container.' })
  @IsString()
  @MaxLength(300)
  label: string;

  @ApiProperty({ description: 'kg of this input that went into the output.' })
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 3 })
  @Min(0.001)
  @Max(100_000)
  kg: number;
}

export class RepackagedOutputDto extends NewContainerDto {
  @ApiProperty({ type: [RepackagingInputDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BATCH)
  @ValidateNested({ each: true })
  @Type(() => RepackagingInputDto)
  inputs: RepackagingInputDto[];
}

export class RepackageDto {
  @ApiPropertyOptional({ description: 'Book the new containers into this storage facility.' })
  @IsOptional()
  @IsUUID()
  facilityId?: string;

  @ApiProperty({ type: [RepackagedOutputDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => RepackagedOutputDto)
  outputs: RepackagedOutputDto[];
}

export class ContainerListQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsIn(['registered', 'stored', 'on_manifest', 'in_transit', 'received', 'refused', 'disposed', 'consolidated']) status?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(/^[0-9]{3}-[0-9]{3}-[0-9]{2}$/) wasteCode?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() facilityId?: string;
  @ApiPropertyOptional({ description: 'Keyset cursor: the last id of the previous page.' }) @IsOptional() @IsUUID() after?: string;
  @ApiPropertyOptional({ default: 100 }) @IsOptional() @Type(() => Number) @IsNumber() @Min(1) @Max(1000) limit?: number;
}
