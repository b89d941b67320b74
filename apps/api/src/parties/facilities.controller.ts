import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '@app/errors';
import { Authorize, Facility, FacilityService, PartiesErrors, organisationVisible, ownOrganisation } from '@app/parties';
import { CreateFacilityDto, FacilityDto, FacilityListDto } from './dto/facility.dto';

@ApiTags('facilities')
@Controller('organisations/:id/facilities')
export class FacilitiesController {
  constructor(private readonly facilities: FacilityService) {}

  @Post()
  @Authorize(ownOrganisation('id', { write: true, admin: true }))
  @ApiOperation({
    summary: 'Register a storage facility',
    description: 'For generators and collection points only (ORGANISATION_ROLE_REQUIRED otherwise). The code is unique within the organisation.',
  })
  @ApiCreatedResponse({ type: FacilityDto })
  @ApiErrors('VALIDATION_FAILED', 'NOT_FOUND', PartiesErrors.FACILITY_EXISTS, PartiesErrors.ORGANISATION_ROLE_REQUIRED)
  create(@Param('id') organisationId: string, @Body() body: CreateFacilityDto): Promise<Facility> {
    return this.facilities.create(organisationId, body);
  }

  @Get()
  @Authorize(organisationVisible('id'))
  @ApiOperation({ summary: 'An organisation’s storage facilities', description: 'Visible to whoever may see the organisation.' })
  @ApiOkResponse({ type: FacilityListDto })
  @ApiErrors('NOT_FOUND')
  async list(@Param('id') organisationId: string): Promise<{ items: Facility[] }> {
    return { items: await this.facilities.list(organisationId) };
  }
}
