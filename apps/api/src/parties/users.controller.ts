import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '@app/errors';
import {
  ApiToken,
  Authorize,
  IssuedToken,
  User,
  UserService,
  accountManagement,
  accountOfToken,
  accountParam,
  organisationVisible,
  ownOrganisation,
} from '@app/parties';
import { CreateTokenDto, CreateUserDto, IssuedTokenDto, TokenDto, TokenListDto, UserDto, UserListDto } from './dto/user.dto';

@ApiTags('users')
@Controller()
export class UsersController {
  constructor(private readonly users: UserService) {}

  @Post('organisations/:id/users')
  @Authorize(ownOrganisation('id', { write: true, admin: true }))
  @ApiOperation({
    summary: 'Add a user to an organisation',
    description: 'The organisation’s admins or a platform admin. A driver user names the driver record it is.',
  })
  @ApiCreatedResponse({ type: UserDto })
  @ApiErrors('VALIDATION_FAILED', 'NOT_FOUND')
  create(@Param('id') organisationId: string, @Body() body: CreateUserDto): Promise<User> {
    return this.users.create(organisationId, body);
  }

  @Get('organisations/:id/users')
  @Authorize(organisationVisible('id'))
  @ApiOperation({ summary: 'An organisation’s users', description: 'Visible to whoever may see the organisation.' })
  @ApiOkResponse({ type: UserListDto })
  @ApiErrors('NOT_FOUND')
  async list(@Param('id') organisationId: string): Promise<{ items: User[] }> {
    return { items: await this.users.list(organisationId) };
  }

  @Post('users/:id/tokens')
  @Authorize(accountManagement(accountParam('id')))
  @ApiOperation({
    summary: 'Issue an API token',
    description:
      'For the user themself, their organisation’s admins or a platform admin. The token is in this response only; it is stored as a hash and never shown again.',
  })
  @ApiCreatedResponse({ type: IssuedTokenDto })
  @ApiErrors('VALIDATION_FAILED', 'NOT_FOUND')
  issue(@Param('id') userId: string, @Body() body: CreateTokenDto): Promise<IssuedToken> {
    return this.users.issueToken(userId, { name: body.name, expiresAt: body.expiresAt ? new Date(body.expiresAt) : undefined });
  }

  @Get('users/:id/tokens')
  @Authorize(accountManagement(accountParam('id')))
  @ApiOperation({ summary: 'A user’s API tokens', description: 'Names, dates and status; never the token or its hash.' })
  @ApiOkResponse({ type: TokenListDto })
  @ApiErrors('NOT_FOUND')
  async tokens(@Param('id') userId: string): Promise<{ items: ApiToken[] }> {
    return { items: await this.users.listTokens(userId) };
  }

  @Delete('tokens/:id')
  @HttpCode(200)
  @Authorize(accountManagement(accountOfToken('id')))
  @ApiOperation({
    summary: 'Revoke an API token',
    description: 'The token stops working at once (within seconds on other API instances). Revoking a revoked token changes nothing.',
  })
  @ApiOkResponse({ type: TokenDto })
  @ApiErrors('NOT_FOUND')
  revoke(@Param('id') tokenId: string): Promise<ApiToken> {
    return this.users.revokeToken(tokenId);
  }
}
