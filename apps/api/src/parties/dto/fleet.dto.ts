import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';

export class CreateVehicleDto {
  @ApiProperty({ example: '渝A·D1234', description: 'Number plate; its 道路运输证 is added as a vehicle_permit licence.' })
  @IsString()
  @Length(5, 12)
  @Matches(/^\S+$/, { message: 'plate must not contain spaces' })
  plate: string;
}

export class CreateDriverDto {
  @ApiProperty({ example: '钱师傅' })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiPropertyOptional({ example: '13900000001' })
  @IsOptional()
  @Matches(/^[0-9+() -]{3,30}$/, { message: 'phone must be a phone number' })
  phone?: string;
}

export class DocumentSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() number: string;
  @ApiProperty({ example: '2025-01-01' }) validFrom: string;
  @ApiProperty({ example: '2027-12-31' }) validTo: string;
  @ApiProperty({ type: [String] }) dangerousGoodsClasses: string[];
}

export class VehicleDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) organisationId: string;
  @ApiProperty() plate: string;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;
  @ApiProperty({ type: DocumentSummaryDto, nullable: true, description: 'The vehicle permit in force, if any.' }) permit: DocumentSummaryDto | null;
}

export class VehicleListDto {
  @ApiProperty({ type: [VehicleDto] }) items: VehicleDto[];
}

export class DriverDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) organisationId: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: String, nullable: true }) phone: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;
  @ApiProperty({ type: DocumentSummaryDto, nullable: true, description: 'The driver qualification in force, if any.' })
  qualification: DocumentSummaryDto | null;
}

export class DriverListDto {
  @ApiProperty({ type: [DriverDto] }) items: DriverDto[];
}
