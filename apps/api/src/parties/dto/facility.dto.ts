import { ApiProperty } from '@nestjs/swagger';
import { IsNumber, IsPositive, IsString, Length, Matches, Max } from 'class-validator';

export class CreateFacilityDto {
  @ApiProperty({ example: 'WF-01', description: 'The facility code, unique within the organisation.' })
  @Matches(/^[A-Za-z0-9-]{1,32}$/, { message: 'code must be 1-32 letters, digits or "-"' })
  code: string;

  @ApiProperty({ example: '危废贮存间' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ example: 3, description: 'Storage capacity in tonnes.' })
  @IsNumber({ maxDecimalPlaces: 3 })
  @IsPositive()
  @Max(1_000_000)
  capacityTonnes: number;
}

export class FacilityDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) organisationId: string;
  @ApiProperty() code: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ['storage'] }) kind: 'storage';
  @ApiProperty() capacityTonnes: number;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;
}

export class FacilityListDto {
  @ApiProperty({ type: [FacilityDto] }) items: FacilityDto[];
}
