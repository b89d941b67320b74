import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  CommandActor,
  ContainerListQueryDto,
  ContainerPolicies,
  ContainerRow,
  ContainersService,
  LabelsDto,
  OwnDisposalDto,
  LineageNode,
  LineageService,
  RegisterContainersDto,
  RegisteredContainerDto,
  RepackageDto,
  VerifyLabelDto,
  originsOf,
} from '@app/containers';
import { ApiErrors } from '@app/errors';
import { Actor, Authorize, CurrentActor, isPlatformAdmin } from '@app/parties';
import { CommandActorParam } from '../command-actor';
import { ContainerView, toContainerView } from './container.view';

class RegisteredContainersResponse {
  @ApiProperty({ type: [RegisteredContainerDto] }) containers: RegisteredContainerDto[];
}

class ContainersResponse {
  @ApiProperty({ type: [ContainerView] }) containers: ContainerView[];
}

class ContainerPage extends ContainersResponse {
  @ApiProperty({ nullable: true, description: 'Pass as `after` for the next page; null on the last page.' }) next: string | null;
}

class LineageResponse {
  @ApiProperty({ description: 'Outer containers this one is packed in, innermost first.' }) packedIn: LineageNode[];
  @ApiProperty({ description: 'Everything packed inside it, at any depth.' }) contents: LineageNode[];
  @ApiProperty({ description: 'What it was repackaged from, recursively, with kg.' }) madeFrom: LineageNode[];
  @ApiProperty({ description: 'The original containers and their generators.' }) origins: LineageNode[];
  @ApiProperty({ description: 'What it was repackaged into.' }) wentInto: LineageNode[];
}

@ApiTags('containers')
@Controller()
export class ContainersController {
  constructor(
    private readonly containers: ContainersService,
    private readonly lineage: LineageService,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  private views(rows: ContainerRow[]): ContainerView[] {
    return rows.map((r) => toContainerView(r, this.containers.qrPayload(r.code)));
  }

  @Post('containers')
  @Authorize(ContainerPolicies.manage)
  @ApiOperation({
    summary: 'Register containers (一物一码)',
    description:
      'Registers 1–500 containers in one transaction. Each gets its 数字识别码 (unit USCC + waste code + day + sequence, allocated without races) and a signed QR payload. With facilityId they are booked into storage at once.',
  })
  @ApiCreatedResponse({ type: RegisteredContainersResponse })
  @ApiErrors('VALIDATION_FAILED', 'WASTE_CODE_UNKNOWN', 'HAZARD_NOT_IN_CATALOGUE', 'NOT_A_GENERATOR', 'FACILITY_NOT_FOUND', 'SEQUENCE_EXHAUSTED')
  async register(@CommandActorParam() actor: CommandActor, @Body() dto: RegisterContainersDto): Promise<RegisteredContainersResponse> {
    return { containers: await this.containers.register(actor, dto.containers, dto.facilityId) };
  }

  @Get('containers')
  @Authorize(ContainerPolicies.list)
  @ApiOperation({
    summary: 'List containers',
    description: 'Containers the caller generated or holds; for a regulator, those generated or held inside its jurisdiction. Keyset-paginated by id.',
  })
  @ApiOkResponse({ type: ContainerPage })
  async list(@CurrentActor() actor: Actor, @Query() q: ContainerListQueryDto): Promise<ContainerPage> {
    const limit = q.limit ?? 100;
    const rows = (await this.db.query(
      `SELECT c.* FROM containers c
         JOIN organisations g ON g.id = c.organisation_id JOIN organisations h ON h.id = c.holder_id
        WHERE ($1::boolean OR c.organisation_id = $2 OR c.holder_id = $2
               OR EXISTS (SELECT 1 FROM unnest($3::text[]) p WHERE g.division_code LIKE p || '%' OR h.division_code LIKE p || '%'))
          AND ($4::text IS NULL OR c.status = $4) AND ($5::text IS NULL OR c.waste_code = $5)
          AND ($6::uuid IS NULL OR c.facility_id = $6) AND ($7::uuid IS NULL OR c.id > $7)
        ORDER BY c.id LIMIT $8`,
      [isPlatformAdmin(actor), actor.organisationId, actor.jurisdictionPrefixes, q.status ?? null, q.wasteCode ?? null, q.facilityId ?? null, q.after ?? null, limit + 1],
    )) as ContainerRow[];
    const page = rows.slice(0, limit);
    return { containers: this.views(page), next: rows.length > limit ? page[page.length - 1].id : null };
  }

  @Get('containers/:id')
  @Authorize(ContainerPolicies.read)
  @ApiOperation({ summary: 'One container', description: 'Its current state, where it is stored and for how long, and what it is packed in.' })
  @ApiOkResponse({ type: ContainerView })
  @ApiErrors('CONTAINER_NOT_FOUND')
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<ContainerView> {
    const [row] = await this.containers.byIds(this.db, [id]);
    return this.views([row])[0];
  }

  @Get('containers/:id/lineage')
  @Authorize(ContainerPolicies.read)
  @ApiOperation({
    summary: 'Lineage of a container',
    description: 'What is in it, what it is in, what it was made from (back to the original generators) and what it went into.',
  })
  @ApiOkResponse({ type: LineageResponse })
  @ApiErrors('CONTAINER_NOT_FOUND')
  async lineageOf(@Param('id', ParseUUIDPipe) id: string): Promise<LineageResponse> {
    const [packedIn, contents, madeFrom, wentInto] = await Promise.all([
      this.lineage.packedIn(id),
      this.lineage.contents(id),
      this.lineage.madeFrom(id),
      this.lineage.wentInto(id),
    ]);
    return { packedIn, contents, madeFrom, origins: originsOf(madeFrom), wentInto };
  }

  @Post('labels/verify')
  @HttpCode(200)
  @Authorize(ContainerPolicies.verify)
  @ApiOperation({
    summary: 'Verify a scanned label',
    description: 'Checks the Ed25519 signature and that the code was issued. A forged, altered or never-issued label is refused and recorded for the regulator.',
  })
  @ApiOkResponse({ type: ContainerView })
  @ApiErrors('LABEL_MALFORMED', 'LABEL_SIGNATURE_INVALID', 'LABEL_NOT_ISSUED')
  async verify(@CommandActorParam() actor: CommandActor, @Body() dto: VerifyLabelDto): Promise<ContainerView> {
    return this.views([await this.containers.verifyLabel(actor, dto.payload)])[0];
  }

  @Post('facilities/:id/stock-in')
  @HttpCode(200)
  @Authorize(ContainerPolicies.manage)
  @ApiOperation({ summary: '入库: book scanned containers into storage', description: 'Everything packed inside a scanned container is booked in with it.' })
  @ApiOkResponse({ type: ContainersResponse })
  @ApiErrors('FACILITY_NOT_FOUND', 'CONTAINER_NOT_HELD', 'CONTAINER_TRANSITION_NOT_ALLOWED', 'LABEL_MALFORMED', 'LABEL_SIGNATURE_INVALID', 'LABEL_NOT_ISSUED', 'DUPLICATE_IN_REQUEST')
  async stockIn(@CommandActorParam() actor: CommandActor, @Param('id', ParseUUIDPipe) id: string, @Body() dto: LabelsDto): Promise<ContainersResponse> {
    return { containers: this.views(await this.containers.stockIn(actor, id, dto.labels)) };
  }

  @Post('containers/own-disposal')
  @HttpCode(200)
  @Authorize(ContainerPolicies.manage)
  @ApiOperation({
    summary: '自行利用处置: record that the unit utilised or disposed of its own waste',
    description:
      'For scanned containers the unit generated and still holds (registered or in its storage), with everything packed in them. The method must be final (R, D or C) and the unit must hold a 危险废物经营许可证 in force covering each waste code with capacity left; otherwise nothing is recorded. Appears in the 台账 and the mass balance as own disposal.',
  })
  @ApiOkResponse({ type: ContainersResponse })
  @ApiErrors('DISPOSAL_METHOD_INVALID', 'OWN_DISPOSAL_NOT_LICENSED', 'CONTAINER_NOT_HELD', 'CONTAINER_TRANSITION_NOT_ALLOWED', 'LABEL_MALFORMED', 'LABEL_SIGNATURE_INVALID', 'LABEL_NOT_ISSUED', 'DUPLICATE_IN_REQUEST')
  async disposeOwn(@CommandActorParam() actor: CommandActor, @Body() dto: OwnDisposalDto): Promise<ContainersResponse> {
    return { containers: this.views(await this.containers.disposeOwn(actor, dto.labels, dto.method, dto.note)) };
  }

  @Post('facilities/:id/stock-out')
  @HttpCode(200)
  @Authorize(ContainerPolicies.manage)
  @ApiOperation({ summary: '出库: take scanned containers out of storage' })
  @ApiOkResponse({ type: ContainersResponse })
  @ApiErrors('FACILITY_NOT_FOUND', 'CONTAINER_NOT_HELD', 'CONTAINER_TRANSITION_NOT_ALLOWED', 'LABEL_MALFORMED', 'LABEL_SIGNATURE_INVALID', 'LABEL_NOT_ISSUED', 'DUPLICATE_IN_REQUEST')
  async stockOut(@CommandActorParam() actor: CommandActor, @Param('id', ParseUUIDPipe) id: string, @Body() dto: LabelsDto): Promise<ContainersResponse> {
    return { containers: this.views(await this.containers.stockOut(actor, id, dto.labels)) };
  }

  @Post('containers/:id/pack')
  @HttpCode(200)
  @Authorize(ContainerPolicies.manageOne)
  @ApiOperation({ summary: 'Pack scanned containers into this one', description: 'Bags into a turnover box, drums onto a tonne bag or pallet. Scanning the outer one later accounts for everything inside.' })
  @ApiOkResponse({ type: ContainersResponse })
  @ApiErrors('CONTAINER_NOT_FOUND', 'CONTAINER_NOT_HELD', 'PACKING_NOT_ALLOWED', 'LABEL_MALFORMED', 'LABEL_SIGNATURE_INVALID', 'LABEL_NOT_ISSUED', 'DUPLICATE_IN_REQUEST')
  async pack(@CommandActorParam() actor: CommandActor, @Param('id', ParseUUIDPipe) id: string, @Body() dto: LabelsDto): Promise<ContainersResponse> {
    return { containers: this.views(await this.containers.pack(actor, id, dto.labels)) };
  }

  @Post('containers/:id/unpack')
  @HttpCode(200)
  @Authorize(ContainerPolicies.manageOne)
  @ApiOperation({ summary: 'Take scanned containers out of this one' })
  @ApiOkResponse({ type: ContainersResponse })
  @ApiErrors('CONTAINER_NOT_FOUND', 'CONTAINER_NOT_HELD', 'NOT_PACKED_HERE', 'LABEL_MALFORMED', 'LABEL_SIGNATURE_INVALID', 'LABEL_NOT_ISSUED')
  async unpack(@CommandActorParam() actor: CommandActor, @Param('id', ParseUUIDPipe) id: string, @Body() dto: LabelsDto): Promise<ContainersResponse> {
    return { containers: this.views(await this.containers.unpack(actor, id, dto.labels)) };
  }

  @Post('repackagings')
  @Authorize(ContainerPolicies.manage)
  @ApiOperation({
    summary: 'Repackage containers into new ones',
    description: 'A collection point makes new containers from scanned inputs, recording the kg of each input in each output. Inputs become consolidated; the lineage leads back to them.',
  })
  @ApiCreatedResponse({ type: RegisteredContainersResponse })
  @ApiErrors('CONTAINER_NOT_HELD', 'REPACKAGING_WEIGHT_EXCEEDED', 'CONTAINER_TRANSITION_NOT_ALLOWED', 'PACKING_NOT_ALLOWED', 'WASTE_CODE_UNKNOWN', 'LABEL_MALFORMED', 'LABEL_SIGNATURE_INVALID', 'LABEL_NOT_ISSUED')
  async repackage(@CommandActorParam() actor: CommandActor, @Body() dto: RepackageDto): Promise<RegisteredContainersResponse> {
    return { containers: await this.containers.repackage(actor, dto) };
  }
}
