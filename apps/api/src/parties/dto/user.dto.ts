import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { MEMBER_ROLES, MemberRole, ORGANISATION_ROLES, OrganisationRole, UserRole } from '@app/parties';
import { OrganisationDto } from './organisation.dto';

const USER_ROLES: UserRole[] = [...MEMBER_ROLES, 'platform_admin'];

export class CreateUserDto {
  @ApiProperty({ example: '王医生' })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty({ enum: MEMBER_ROLES, description: 'admin manages the organisation; operator and driver record; viewer only reads.' })
  @IsIn(MEMBER_ROLES)
  role: MemberRole;

  @ApiPropertyOptional({ format: 'uuid', description: 'Required for, and only for, role driver: the driver record this user is.' })
  @IsOptional()
  @IsUUID()
  driverId?: string;
}

export class UserDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Null for platform admins.' }) organisationId: string | null;
  @ApiProperty() name: string;
  @ApiProperty({ enum: USER_ROLES }) role: UserRole;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) driverId: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;
}

export class UserListDto {
  @ApiProperty({ type: [UserDto] }) items: UserDto[];
}

export class MeDto {
  @ApiProperty({ type: UserDto }) user: UserDto;
  @ApiProperty({ type: OrganisationDto, nullable: true, description: 'Null for platform admins.' }) organisation: OrganisationDto | null;
  @ApiProperty({ enum: ORGANISATION_ROLES, isArray: true }) roles: OrganisationRole[];
  @ApiProperty({ type: [String], description: 'Division codes the caller regulates (empty unless a regulator).' }) jurisdiction: string[];
  @ApiProperty({ format: 'uuid', description: 'The id of the token this request used.' }) tokenId: string;
}

export class CreateTokenDto {
  @ApiProperty({ example: 'scanner-03', description: 'What the token is for: a device or an integration.' })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiPropertyOptional({ example: '2026-12-31T16:00:00Z', description: 'When the token stops working (ISO 8601, in the future). Omit for no expiry.' })
  @IsOptional()
  @IsISO8601({ strict: true })
  expiresAt?: string;
}

export class TokenDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expiresAt: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) revokedAt: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastUsedAt: Date | null;
  @ApiProperty({ enum: ['active', 'expired', 'revoked'] }) status: 'active' | 'expired' | 'revoked';
}

export class IssuedTokenDto extends TokenDto {
  @ApiProperty({ example: 'wl_…', description: 'The bearer token. Shown in this response only: it cannot be retrieved again.' })
  token: string;
}

export class TokenListDto {
  @ApiProperty({ type: [TokenDto], description: 'Never includes the token itself.' }) items: TokenDto[];
}
