import { Controller, Get, Header, Query, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ApiErrors } from '@app/errors';
import { Actor, Authorize, CurrentActor } from '@app/parties';
import {
  DistrictQueryDto,
  DistrictReport,
  DistrictService,
  MapCollection,
  MapQueryDto,
  MapService,
  MassBalanceContainerPage,
  MassBalanceContainersQueryDto,
  MassBalanceQueryDto,
  MassBalanceReport,
  MassBalanceService,
  ReportPolicies,
  divisionScope,
  reportPeriod,
  yearToDate,
} from '@app/reports';

@ApiTags('reports')
@Controller('reports')
export class ReportsController {
  constructor(
    private readonly massBalance: MassBalanceService,
    private readonly district: DistrictService,
    private readonly maps: MapService,
  ) {}

  @Get('mass-balance')
  @Authorize(ReportPolicies.unitReport)
  @ApiOperation({
    summary: 'Mass balance of a unit per waste code',
    description:
      'Of the containers the unit generated in the period: where each is now (stored, awaiting shipment, in transit, at the receiver, ' +
      'disposed, refused, own disposal, repackaged) and what is unaccounted for (generated − everything accounted), with the containers ' +
      'behind each figure (ids and a link to list them); the flows shipped and received by receivers; the receivers\' measured weights; ' +
      'and, for a receiver, what it received, refused and treated.',
  })
  @ApiOkResponse({ type: MassBalanceReport })
  @ApiErrors('NOT_FOUND', 'REPORT_PERIOD_INVALID')
  report(@CurrentActor() actor: Actor, @Query() q: MassBalanceQueryDto, @Req() req: Request): Promise<MassBalanceReport> {
    return this.massBalance.report(
      q.organisationId ?? (actor.organisationId as string),
      reportPeriod(q.from, q.to),
      q.wasteCode ?? null,
      `${req.baseUrl}${req.path.replace(/\/$/, '')}/containers`,
    );
  }

  @Get('mass-balance/containers')
  @Authorize(ReportPolicies.unitReport)
  @ApiOperation({
    summary: 'The containers behind a mass-balance figure',
    description: 'Each container the unit generated in the period with its bucket (and, when unaccounted, why). Keyset-paginated by id.',
  })
  @ApiOkResponse({ type: MassBalanceContainerPage })
  @ApiErrors('NOT_FOUND', 'REPORT_PERIOD_INVALID')
  containers(@CurrentActor() actor: Actor, @Query() q: MassBalanceContainersQueryDto): Promise<MassBalanceContainerPage> {
    return this.massBalance.containers(q.organisationId ?? (actor.organisationId as string), reportPeriod(q.from, q.to), q);
  }

  @Get('district')
  @Authorize(ReportPolicies.district)
  @ApiOperation({
    summary: 'District figures',
    description:
      "For a regulator's jurisdiction (or the part of it named by division; a platform admin names the division): containers and tonnes " +
      'by category and month; the share of 二级以上 hospitals\' medical waste disposed of centrally (target 100%); the share of manifests ' +
      'confirmed within their deadline; unresolved alerts by rule and age; a compliance score per unit from its alerts; inspection pass rate.',
  })
  @ApiOkResponse({ type: DistrictReport })
  @ApiErrors('DIVISION_REQUIRED', 'DIVISION_OUTSIDE_JURISDICTION', 'REPORT_PERIOD_INVALID')
  districtReport(@CurrentActor() actor: Actor, @Query() q: DistrictQueryDto): Promise<DistrictReport> {
    const prefixes = divisionScope(actor, q.division);
    const base = yearToDate();
    return this.district.report(prefixes, reportPeriod(q.from ?? base.from, q.to ?? base.to));
  }

  @Get('map')
  @Authorize(ReportPolicies.district)
  @Header('Content-Type', 'application/geo+json; charset=utf-8')
  @ApiOperation({
    summary: '一张图: units as a GeoJSON FeatureCollection',
    description:
      "Every unit in the regulator's jurisdiction (or the named division) with coordinates, as a point with its roles, unresolved alerts and " +
      'tonnes in storage now. Units without coordinates are listed in the foreign member `unlocated`.',
  })
  @ApiOkResponse({ type: MapCollection })
  @ApiErrors('DIVISION_REQUIRED', 'DIVISION_OUTSIDE_JURISDICTION')
  map(@CurrentActor() actor: Actor, @Query() q: MapQueryDto): Promise<MapCollection> {
    return this.maps.map(divisionScope(actor, q.division));
  }
}
