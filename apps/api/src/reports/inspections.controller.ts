import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '@app/errors';
import { Actor, Authorize, CurrentActor, isPlatformAdmin } from '@app/parties';
import {
  CreateDrawDto,
  DrawList,
  DrawListQueryDto,
  DrawView,
  InspectionRecord,
  InspectionResultDto,
  InspectionsService,
  ReportPolicies,
} from '@app/reports';

@ApiTags('inspections')
@Controller('inspection-draws')
export class InspectionsController {
  constructor(private readonly inspections: InspectionsService) {}

  @Post()
  @Authorize(ReportPolicies.drawCreate)
  @ApiOperation({
    summary: 'Draw units for inspection (双随机)',
    description:
      "A reproducible random sample of units of the regulator's jurisdiction, filtered by role, management class, generator kind and " +
      'division; weighted by risk (compliance score from alerts) when asked; with inspectors assigned at random when given. The same seed ' +
      'and population give the same sample. The draw (seed, filters, population, chosen units) is recorded and appended to the ledger.',
  })
  @ApiCreatedResponse({ type: DrawView })
  @ApiErrors('INSPECTION_POPULATION_EMPTY', 'DIVISION_OUTSIDE_JURISDICTION')
  create(@CurrentActor() actor: Actor, @Body() dto: CreateDrawDto): Promise<DrawView> {
    return this.inspections.draw(actor, dto);
  }

  @Get()
  @Authorize(ReportPolicies.drawList)
  @ApiOperation({ summary: 'Inspection draws', description: "The caller's regulator's draws, newest first (a platform admin sees every draw)." })
  @ApiOkResponse({ type: DrawList })
  @ApiErrors('VALIDATION_FAILED')
  async list(@CurrentActor() actor: Actor, @Query() q: DrawListQueryDto): Promise<DrawList> {
    return { draws: await this.inspections.list(actor, isPlatformAdmin(actor), q.limit ?? 50) };
  }

  @Get(':id')
  @Authorize(ReportPolicies.drawRead)
  @ApiOperation({
    summary: 'One inspection draw',
    description: 'Its seed, filters, population size and hash, the drawn units with their inspectors and results, and whether re-drawing from the record gives the same units.',
  })
  @ApiOkResponse({ type: DrawView })
  @ApiErrors('NOT_FOUND', 'INSPECTION_DRAW_NOT_FOUND')
  get(@Param('id', ParseUUIDPipe) id: string): Promise<DrawView> {
    return this.inspections.get(id, true);
  }

  @Post(':id/results')
  @Authorize(ReportPolicies.inspectionWrite)
  @ApiOperation({
    summary: 'Record an inspection result against a drawn unit',
    description: 'Passed or failed (a failure states its findings), by whom and when. One result per unit and draw, never overwritten; appended to the ledger.',
  })
  @ApiCreatedResponse({ type: InspectionRecord })
  @ApiErrors('NOT_FOUND', 'INSPECTION_UNIT_NOT_SAMPLED', 'INSPECTION_ALREADY_RECORDED')
  record(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Body() dto: InspectionResultDto): Promise<InspectionRecord> {
    return this.inspections.recordResult(actor, id, dto);
  }
}
