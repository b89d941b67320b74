import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, Authorize, CurrentActor, Me, UserService, authenticated } from '@app/parties';
import { MeDto } from './dto/user.dto';

@ApiTags('users')
@Controller('me')
export class MeController {
  constructor(private readonly users: UserService) {}

  @Get()
  @Authorize(authenticated)
  @ApiOperation({
    summary: 'Who am I',
    description: 'The caller: user, organisation (null for platform admins), the organisation’s roles and, for regulators, the jurisdiction.',
  })
  @ApiOkResponse({ type: MeDto })
  me(@CurrentActor() actor: Actor): Promise<Me> {
    return this.users.me(actor);
  }
}
