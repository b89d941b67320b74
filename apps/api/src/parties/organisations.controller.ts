import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '@app/errors';
import {
  Actor,
  Authorize,
  CurrentActor,
  Organisation,
  OrganisationService,
  Page,
  PartiesErrors,
  authenticated,
  organisationVisible,
  ownOrganisation,
  platformAdmin,
} from '@app/parties';
import { CreateOrganisationDto, ListOrganisationsQuery, OrganisationDto, OrganisationPageDto, UpdateOrganisationDto } from './dto/organisation.dto';

@ApiTags('organisations')
@Controller('organisations')
export class OrganisationsController {
  constructor(private readonly organisations: OrganisationService) {}

  @Post()
  @Authorize(platformAdmin)
  @ApiOperation({
    summary: 'Register an organisation',
    description:
      'Platform admins register generators, collectors, transporters, receivers and regulators. The USCC check character is validated; a second organisation with the same USCC is refused with ORGANISATION_EXISTS.',
  })
  @ApiCreatedResponse({ type: OrganisationDto })
  @ApiErrors('VALIDATION_FAILED', PartiesErrors.ORGANISATION_EXISTS)
  create(@CurrentActor() actor: Actor, @Body() body: CreateOrganisationDto): Promise<Organisation> {
    return this.organisations.create(actor, body);
  }

  @Get()
  @Authorize(authenticated)
  @ApiOperation({
    summary: 'List the organisations the caller may see',
    description: 'Platform admins see all; a regulator sees those in its jurisdiction (and itself); everyone else sees only their own.',
  })
  @ApiOkResponse({ type: OrganisationPageDto })
  @ApiErrors('VALIDATION_FAILED')
  list(@CurrentActor() actor: Actor, @Query() query: ListOrganisationsQuery): Promise<Page<Organisation>> {
    return this.organisations.list(actor, query);
  }

  @Get(':id')
  @Authorize(organisationVisible('id'))
  @ApiOperation({
    summary: 'One organisation',
    description: 'Visible to its own people, platform admins and regulators whose jurisdiction covers it; NOT_FOUND for anyone else.',
  })
  @ApiOkResponse({ type: OrganisationDto })
  @ApiErrors('NOT_FOUND')
  get(@Param('id') id: string): Promise<Organisation> {
    return this.organisations.get(id);
  }

  @Patch(':id')
  @Authorize(ownOrganisation('id', { write: true, admin: true }))
  @ApiOperation({
    summary: 'Change an organisation’s address, contact, location or management class',
    description:
      'The organisation’s own admins or a platform admin. The previous values are kept (organisation_history). USCC, name, division and roles are not changed here.',
  })
  @ApiOkResponse({ type: OrganisationDto })
  @ApiErrors('VALIDATION_FAILED', 'NOT_FOUND')
  update(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: UpdateOrganisationDto): Promise<Organisation> {
    return this.organisations.update(actor, id, body);
  }
}
