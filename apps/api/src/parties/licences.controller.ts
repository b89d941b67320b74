import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '@app/errors';
import { Actor, Authorize, CurrentActor, Licence, LicenceService, PartiesErrors, licenceHolder, organisationVisible, ownOrganisation } from '@app/parties';
import { CreateLicenceDto, LicenceContentDto, LicenceDto, LicenceListDto, ListLicencesQuery } from './dto/licence.dto';

@ApiTags('licences')
@Controller()
export class LicencesController {
  constructor(private readonly licences: LicenceService) {}

  @Post('organisations/:id/licences')
  @Authorize(ownOrganisation('id', { write: true, admin: true }))
  @ApiOperation({
    summary: 'Record a licence',
    description:
      'hw_operating for receivers and collectors (codes and/or categories, annual capacity); road_transport for transporters; vehicle_permit for one of its vehicles; driver_qualification for one of its drivers. Licences are never changed: a renewal supersedes.',
  })
  @ApiCreatedResponse({ type: LicenceDto })
  @ApiErrors('VALIDATION_FAILED', 'NOT_FOUND', PartiesErrors.ORGANISATION_ROLE_REQUIRED)
  create(@CurrentActor() actor: Actor, @Param('id') organisationId: string, @Body() body: CreateLicenceDto): Promise<Licence> {
    return this.licences.create(actor, organisationId, body);
  }

  @Get('organisations/:id/licences')
  @Authorize(organisationVisible('id'))
  @ApiOperation({
    summary: 'An organisation’s licences',
    description: 'The licences in force (not superseded); with history=true, every licence ever recorded with its supersession links.',
  })
  @ApiOkResponse({ type: LicenceListDto })
  @ApiErrors('VALIDATION_FAILED', 'NOT_FOUND')
  async list(@Param('id') organisationId: string, @Query() query: ListLicencesQuery): Promise<{ items: Licence[] }> {
    return { items: await this.licences.list(organisationId, { history: query.history === 'true', kind: query.kind }) };
  }

  @Get('licences/:id')
  @Authorize(organisationVisible(licenceHolder))
  @ApiOperation({ summary: 'One licence', description: 'Visible to whoever may see its holder.' })
  @ApiOkResponse({ type: LicenceDto })
  @ApiErrors('NOT_FOUND')
  get(@Param('id') id: string): Promise<Licence> {
    return this.licences.get(id);
  }

  @Post('licences/:id/supersede')
  @Authorize(ownOrganisation(licenceHolder, { write: true, admin: true }))
  @ApiOperation({
    summary: 'Supersede a licence',
    description:
      'Records a new licence (same holder, kind, vehicle or driver) that replaces this one; the old one stays in the history. Superseding a licence that is already superseded is refused with LICENCE_ALREADY_SUPERSEDED.',
  })
  @ApiCreatedResponse({ type: LicenceDto })
  @ApiErrors('VALIDATION_FAILED', 'NOT_FOUND', PartiesErrors.LICENCE_ALREADY_SUPERSEDED)
  supersede(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: LicenceContentDto): Promise<Licence> {
    return this.licences.supersede(actor, id, body);
  }
}
