import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
} from 'class-validator';
import {
  DANGEROUS_GOODS_CLASS_PATTERN,
  IsCalendarDate,
  LICENCE_KINDS,
  LICENCE_MODES,
  LicenceKind,
  WASTE_CATEGORY_PATTERN,
  WASTE_CODE_PATTERN,
} from '@app/parties';

/** The content of a licence document: what a new licence and a superseding one both carry. */
export class LicenceContentDto {
  @ApiProperty({ example: '渝危废经第2025001号', maxLength: 64 })
  @IsString()
  @Length(1, 64)
  number: string;

  @ApiProperty({ example: '2025-01-01', description: 'First day of validity (inclusive), YYYY-MM-DD.' })
  @IsCalendarDate()
  validFrom: string;

  @ApiProperty({ example: '2029-12-31', description: 'Last day of validity (inclusive), YYYY-MM-DD.' })
  @IsCalendarDate()
  validTo: string;

  @ApiPropertyOptional({ enum: LICENCE_MODES, isArray: true, description: 'hw_operating only: 经营方式.' })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(LICENCE_MODES, { each: true })
  modes?: string[];

  @ApiPropertyOptional({ type: [String], example: ['900-041-49'], description: 'hw_operating only: waste codes covered one by one.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @Matches(WASTE_CODE_PATTERN, { each: true, message: 'each waste code must look like 900-041-49' })
  wasteCodes?: string[];

  @ApiPropertyOptional({ type: [String], example: ['HW08', 'HW49'], description: 'hw_operating only: whole categories covered (HW01–HW40, HW45–HW50).' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(WASTE_CATEGORY_PATTERN, { each: true, message: 'each waste category must be one of HW01–HW40, HW45–HW50' })
  wasteCategories?: string[];

  @ApiPropertyOptional({ type: [String], example: ['3', '6.1', '8', '9'], description: 'Dangerous goods classes the document allows (transport documents).' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(DANGEROUS_GOODS_CLASS_PATTERN, { each: true, message: 'each dangerous goods class must look like 3 or 6.1' })
  dangerousGoodsClasses?: string[];

  @ApiPropertyOptional({ example: 30000, description: 'hw_operating only (and required there): annual capacity in tonnes.' })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 3 })
  @IsPositive()
  @Max(100_000_000)
  annualCapacityTonnes?: number;
}

export class CreateLicenceDto extends LicenceContentDto {
  @ApiProperty({
    enum: LICENCE_KINDS,
    description:
      'hw_operating: 危险废物经营许可证 (receivers, collectors); road_transport: 道路危险货物运输许可证 (transporters); vehicle_permit: a vehicle’s 道路运输证; driver_qualification: a driver’s 从业资格证.',
  })
  @IsIn(LICENCE_KINDS)
  kind: LicenceKind;

  @ApiPropertyOptional({ format: 'uuid', description: 'vehicle_permit only (and required there): a vehicle of this organisation.' })
  @IsOptional()
  @IsUUID()
  vehicleId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'driver_qualification only (and required there): a driver of this organisation.' })
  @IsOptional()
  @IsUUID()
  driverId?: string;
}

export class ListLicencesQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true includes superseded licences (the history).' })
  @IsOptional()
  @IsIn(['true', 'false'])
  history?: 'true' | 'false';

  @ApiPropertyOptional({ enum: LICENCE_KINDS })
  @IsOptional()
  @IsIn(LICENCE_KINDS)
  kind?: LicenceKind;
}

export class LicenceDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) organisationId: string;
  @ApiProperty({ enum: LICENCE_KINDS }) kind: LicenceKind;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) vehicleId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) driverId: string | null;
  @ApiProperty() number: string;
  @ApiProperty({ type: [String] }) modes: string[];
  @ApiProperty({ type: [String] }) wasteCodes: string[];
  @ApiProperty({ type: [String] }) wasteCategories: string[];
  @ApiProperty({ type: [String] }) dangerousGoodsClasses: string[];
  @ApiProperty({ type: Number, nullable: true }) annualCapacityTonnes: number | null;
  @ApiProperty({ example: '2025-01-01' }) validFrom: string;
  @ApiProperty({ example: '2029-12-31' }) validTo: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The licence this one replaced.' }) supersedesId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The licence that replaced this one.' }) supersededById: string | null;
  @ApiProperty({ description: 'True unless another licence supersedes this one.' }) current: boolean;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;
}

export class LicenceListDto {
  @ApiProperty({ type: [LicenceDto] }) items: LicenceDto[];
}
