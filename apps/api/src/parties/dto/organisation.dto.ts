import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsLatitude,
  IsLongitude,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import {
  GENERATOR_KINDS,
  GeneratorKind,
  IsUscc,
  MANAGEMENT_CLASSES,
  MEDICAL_LEVELS,
  ManagementClass,
  MedicalLevel,
  ORGANISATION_ROLES,
  OrganisationRole,
} from '@app/parties';

/** 行政区划代码: six digits, e.g. 500106 (沙坪坝区). */
const DIVISION_CODE = /^[1-9][0-9]{5}$/;
const PHONE = /^[0-9+() -]{3,30}$/;

export class CreateOrganisationDto {
  @ApiProperty({ description: '统一社会信用代码 (GB 32100-2015), 18 characters, check character validated.', example: '91500106MA5U3X5K1X' })
  @IsUscc()
  uscc: string;

  @ApiProperty({ example: '歌乐山危险废物焚烧处置中心', maxLength: 200 })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional({ example: '重庆市沙坪坝区歌乐山镇环保路1号', maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  address?: string;

  @ApiProperty({ description: 'Administrative division code (行政区划代码) of the county the organisation sits in.', example: '500106' })
  @Matches(DIVISION_CODE, { message: 'divisionCode must be a 6-digit administrative division code' })
  divisionCode: string;

  @ApiPropertyOptional({ example: 29.5725, description: 'WGS-84 latitude; give lat and lng together.' })
  @IsOptional()
  @IsLatitude()
  lat?: number;

  @ApiPropertyOptional({ example: 106.3921 })
  @IsOptional()
  @IsLongitude()
  lng?: number;

  @ApiPropertyOptional({ example: '孙主任', maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  contactName?: string;

  @ApiPropertyOptional({ example: '023-60000009' })
  @IsOptional()
  @Matches(PHONE, { message: 'contactPhone must be a phone number' })
  contactPhone?: string;

  @ApiProperty({ enum: ORGANISATION_ROLES, isArray: true, example: ['receiver'] })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsIn(ORGANISATION_ROLES, { each: true })
  roles: OrganisationRole[];

  @ApiPropertyOptional({ enum: GENERATOR_KINDS, description: 'Required for, and only for, generators.' })
  @IsOptional()
  @IsIn(GENERATOR_KINDS)
  generatorKind?: GeneratorKind;

  @ApiPropertyOptional({ enum: MEDICAL_LEVELS, description: 'Hospital grade; required for, and only for, medical generators.' })
  @IsOptional()
  @IsIn(MEDICAL_LEVELS)
  medicalLevel?: MedicalLevel;

  @ApiPropertyOptional({ enum: MANAGEMENT_CLASSES, description: '重点监管 (key), 简化管理 (simplified), 登记管理 (registered).' })
  @IsOptional()
  @IsIn(MANAGEMENT_CLASSES)
  managementClass?: ManagementClass;

  @ApiPropertyOptional({
    type: [String],
    example: ['500106'],
    description:
      'Required for, and only for, regulators: the division codes it regulates, matched by prefix (500000 covers the province, 500100 the city, 500106 the district).',
  })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(100)
  @Matches(DIVISION_CODE, { each: true, message: 'each jurisdiction entry must be a 6-digit administrative division code' })
  jurisdiction?: string[];
}

export class UpdateOrganisationDto {
  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  address?: string;

  @ApiPropertyOptional({ example: 29.5725, description: 'Give lat and lng together.' })
  @IsOptional()
  @IsLatitude()
  lat?: number;

  @ApiPropertyOptional({ example: 106.3921 })
  @IsOptional()
  @IsLongitude()
  lng?: number;

  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  contactName?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(PHONE, { message: 'contactPhone must be a phone number' })
  contactPhone?: string;

  @ApiPropertyOptional({ enum: MANAGEMENT_CLASSES })
  @IsOptional()
  @IsIn(MANAGEMENT_CLASSES)
  managementClass?: ManagementClass;
}

export class ListOrganisationsQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit: number = 50;

  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset: number = 0;

  @ApiPropertyOptional({ enum: ORGANISATION_ROLES, description: 'Only organisations with this role.' })
  @IsOptional()
  @IsIn(ORGANISATION_ROLES)
  role?: OrganisationRole;
}

export class OrganisationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '91500106MA5U3X5K1X' }) uscc: string;
  @ApiProperty() name: string;
  @ApiProperty() address: string;
  @ApiProperty({ example: '500106' }) divisionCode: string;
  @ApiProperty({ type: Number, nullable: true }) lat: number | null;
  @ApiProperty({ type: Number, nullable: true }) lng: number | null;
  @ApiProperty({ type: String, nullable: true }) contactName: string | null;
  @ApiProperty({ type: String, nullable: true }) contactPhone: string | null;
  @ApiProperty({ enum: ORGANISATION_ROLES, isArray: true }) roles: OrganisationRole[];
  @ApiProperty({ enum: GENERATOR_KINDS, nullable: true }) generatorKind: GeneratorKind | null;
  @ApiProperty({ enum: MEDICAL_LEVELS, nullable: true }) medicalLevel: MedicalLevel | null;
  @ApiProperty({ enum: MANAGEMENT_CLASSES, nullable: true }) managementClass: ManagementClass | null;
  @ApiProperty({ type: [String], nullable: true }) jurisdiction: string[] | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt: Date;
}

export class OrganisationPageDto {
  @ApiProperty({ type: [OrganisationDto] }) items: OrganisationDto[];
  @ApiProperty({ description: 'How many organisations the caller may see in all.' }) total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}
