import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { CommandActor } from '@app/containers';
import { ApiErrors, DomainException, formatMessage, pickLanguage } from '@app/errors';
import {
  ApprovalDto,
  ConfirmDto,
  CreateManifestDto,
  FinalOperationsDto,
  ManifestListQueryDto,
  ManifestPolicies,
  ManifestReadService,
  ManifestsService,
  ReceiptDto,
  RoundDto,
  ScanBatchDto,
  ScanDto,
  ScanOutcome,
  ScanResultDto,
  ScansService,
} from '@app/manifests';
import { Actor, Authorize, CurrentActor, isPlatformAdmin } from '@app/parties';
import { CommandActorParam } from '../command-actor';

class IdResponse {
  @ApiProperty() id: string;
}

class DepartResponse {
  @ApiProperty({ description: 'Containers listed on the manifest that were not scanned at loading (left behind or lost).' })
  missing: { containerId: string; code: string }[];
}

class ScanBatchResponse {
  @ApiProperty({ type: [ScanResultDto], description: 'One result per scan, in request order.' }) results: ScanResultDto[];
  @ApiProperty() accepted: number;
  @ApiProperty() rejected: number;
}

const MANIFEST_ERRORS = ['MANIFEST_NOT_FOUND', 'NOT_A_PARTY', 'MANIFEST_WRONG_STATUS'];

@ApiTags('manifests')
@Controller()
export class ManifestsController {
  constructor(
    private readonly manifests: ManifestsService,
    private readonly scans: ScansService,
    private readonly read: ManifestReadService,
  ) {}

  @Post('manifests')
  @Authorize(ManifestPolicies.draft)
  @ApiOperation({
    summary: 'Draft a transfer manifest (电子转移联单)',
    description:
      'One 移出人 (the caller), 1–5 carriers in order, one receiver, the containers (their contents travel with them). Containers held in storage leave it (出库). With parentId and relation, ships refused containers back (return) or on (onward), linked both ways.',
  })
  @ApiCreatedResponse({ type: IdResponse })
  @ApiErrors('CONTAINER_NOT_FOUND', 'CONTAINER_NOT_AVAILABLE', 'CONTAINER_ON_OPEN_MANIFEST', 'LEG_INVALID', 'LINK_INVALID', 'MANIFEST_NOT_FOUND')
  async create(@CommandActorParam() actor: CommandActor, @Body() dto: CreateManifestDto): Promise<IdResponse> {
    return { id: await this.manifests.create(actor, dto) };
  }

  @Get('manifests')
  @Authorize(ManifestPolicies.list)
  @ApiOperation({ summary: 'List manifests', description: 'Those the caller is a party to (a transporter: only those assigned to it); for a regulator, those in its jurisdiction. Filter by party, status, creation date and waste code.' })
  async list(@CurrentActor() actor: Actor, @Query() q: ManifestListQueryDto): Promise<{ manifests: unknown[]; next: string | null }> {
    return this.read.list(actor, q, isPlatformAdmin(actor));
  }

  @Get('manifests/:id')
  @Authorize(ManifestPolicies.read)
  @ApiOperation({ summary: 'One manifest whole', description: 'Parties, legs, containers with weights and decisions, scans, discrepancies, status and linked manifests.' })
  @ApiErrors('MANIFEST_NOT_FOUND')
  get(@Param('id', ParseUUIDPipe) id: string): Promise<Record<string, unknown>> {
    return this.read.get(id);
  }

  @Get('manifests/:id/handover-register')
  @Authorize(ManifestPolicies.read)
  @ApiOperation({ summary: '医疗废物交接登记', description: 'Per container: source, kind, weight, time, disposal method, destination and who signed each hand-over.' })
  @ApiErrors('MANIFEST_NOT_FOUND')
  async handoverRegister(@Param('id', ParseUUIDPipe) id: string): Promise<{ rows: unknown[] }> {
    return { rows: await this.read.handoverRegister(id) };
  }

  @Post('manifests/:id/submit')
  @HttpCode(200)
  @Authorize(ManifestPolicies.act)
  @ApiOperation({
    summary: 'Submit (the generator signs)',
    description: 'Allowed only when the receiver is licensed for every code with capacity left and every carrier and vehicle is licensed; a cross-province transfer needs a valid approval. Allocates the 14-digit number.',
  })
  @ApiErrors(...MANIFEST_ERRORS, 'MANIFEST_NOT_DRAFT', 'LICENCE_CHECK_FAILED', 'APPROVAL_REQUIRED', 'SERIAL_EXHAUSTED')
  async submit(@CommandActorParam() actor: CommandActor, @Param('id', ParseUUIDPipe) id: string): Promise<Record<string, unknown>> {
    await this.manifests.submit(actor, id);
    return this.read.get(id);
  }

  @Post('manifests/:id/cancel')
  @HttpCode(200)
  @Authorize(ManifestPolicies.act)
  @ApiOperation({ summary: 'Cancel a draft', description: 'Its containers become available again.' })
  @ApiErrors(...MANIFEST_ERRORS, 'MANIFEST_NOT_DRAFT')
  async cancel(@CommandActorParam() actor: CommandActor, @Param('id', ParseUUIDPipe) id: string): Promise<Record<string, unknown>> {
    await this.manifests.cancel(actor, id);
    return this.read.get(id);
  }

  @Post('manifests/:id/depart')
  @HttpCode(200)
  @Authorize(ManifestPolicies.act)
  @ApiOperation({ summary: 'The first carrier confirms departure', description: 'The manifest goes in transit; containers listed but not scanned at loading are reported now.' })
  @ApiOkResponse({ type: DepartResponse })
  @ApiErrors(...MANIFEST_ERRORS)
  depart(@CommandActorParam() actor: CommandActor, @Param('id', ParseUUIDPipe) id: string): Promise<DepartResponse> {
    return this.manifests.depart(actor, id);
  }

  @Post('manifests/:id/receipt')
  @HttpCode(200)
  @Authorize(ManifestPolicies.act)
  @ApiOperation({ summary: 'Accept, partially refuse or refuse containers', description: 'After the arrival scans. When every container is decided, the 5-working-day confirmation deadline starts.' })
  @ApiErrors(...MANIFEST_ERRORS, 'ITEM_NOT_ON_MANIFEST', 'RECEIPT_INVALID')
  async receipt(@CommandActorParam() actor: CommandActor, @Param('id', ParseUUIDPipe) id: string, @Body() dto: ReceiptDto): Promise<Record<string, unknown>> {
    await this.manifests.receipt(actor, id, dto);
    return this.read.get(id);
  }

  @Post('manifests/:id/confirm')
  @HttpCode(200)
  @Authorize(ManifestPolicies.act)
  @ApiOperation({ summary: 'The receiver confirms the manifest', description: 'Due within 5 Chinese working days of acceptance; a late confirmation is recorded as late.' })
  @ApiErrors(...MANIFEST_ERRORS)
  async confirm(@CommandActorParam() actor: CommandActor, @Param('id', ParseUUIDPipe) id: string, @Body() dto: ConfirmDto): Promise<Record<string, unknown>> {
    const { late } = await this.manifests.confirm(actor, id, dto.opinion);
    return { ...(await this.read.get(id)), late };
  }

  @Post('manifests/:id/final-operations')
  @HttpCode(200)
  @Authorize(ManifestPolicies.act)
  @ApiOperation({ summary: 'Record the utilisation or disposal method per container', description: 'R/D/C methods are final; S1/S2 (storage, repackaging) continue the chain through later records.' })
  @ApiErrors(...MANIFEST_ERRORS, 'ITEM_NOT_ON_MANIFEST', 'RECEIPT_INVALID', 'METHOD_UNKNOWN')
  async finalOperations(@CommandActorParam() actor: CommandActor, @Param('id', ParseUUIDPipe) id: string, @Body() dto: FinalOperationsDto): Promise<Record<string, unknown>> {
    await this.manifests.finalOperations(actor, id, dto);
    return this.read.get(id);
  }

  @Post('scans')
  @Authorize(ManifestPolicies.scan)
  @ApiOperation({
    summary: 'One custody scan (loading, hand-over, arrival)',
    description: 'Verifies the label and the rules; 201 when accepted, otherwise the error that explains why (the refused scan is recorded too). Retrying with the same idempotency key repeats the first answer.',
  })
  @ApiCreatedResponse({ type: ScanResultDto })
  @ApiErrors('MANIFEST_NOT_SUBMITTED', 'CONTAINER_NOT_ON_MANIFEST', 'ALREADY_LOADED', 'NOT_LOADED', 'LEG_ORDER', 'ALREADY_RECEIVED', 'EVENTS_OUT_OF_ORDER', 'CLOCK_SKEW', 'IDEMPOTENCY_KEY_REUSED', 'LABEL_MALFORMED', 'LABEL_SIGNATURE_INVALID', 'LABEL_NOT_ISSUED', ...MANIFEST_ERRORS)
  async scan(@CommandActorParam() actor: CommandActor, @Body() dto: ScanDto, @Req() req: Request): Promise<ScanResultDto> {
    const outcome = await this.scans.processOne(actor, dto);
    if (!outcome.accepted) throw new DomainException(outcome.code, outcome.params, this.result(outcome, req));
    return this.result(outcome, req);
  }

  @Post('scans/batch')
  @HttpCode(200)
  @Authorize(ManifestPolicies.scan)
  @ApiOperation({
    summary: 'Upload up to 1,000 scans made offline',
    description: 'Judged in device-time order, whatever order they arrive in. Each scan is answered (accepted or why not); a retried batch never records a scan twice.',
  })
  @ApiOkResponse({ type: ScanBatchResponse })
  async batch(@CommandActorParam() actor: CommandActor, @Body() dto: ScanBatchDto, @Req() req: Request): Promise<ScanBatchResponse> {
    const outcomes = await this.scans.process(actor, dto.scans);
    const results = outcomes.map((o) => this.result(o, req));
    const accepted = results.filter((r) => r.accepted).length;
    return { results, accepted, rejected: results.length - accepted };
  }

  private result(o: ScanOutcome, req: Request): ScanResultDto {
    const language = pickLanguage(req.headers['accept-language']);
    return {
      idempotencyKey: o.idempotencyKey,
      accepted: o.accepted,
      code: o.code,
      message: o.accepted ? (language === 'zh' ? '已接受' : 'Accepted') : formatMessage(o.code, language, o.params),
      duplicate: o.duplicate,
      containerId: o.containerId,
    };
  }

  @Post('approvals')
  @Authorize(ManifestPolicies.approval)
  @ApiOperation({ summary: 'Record a cross-province transfer approval', description: 'Valid at most 12 months; `whitelist` marks the 川渝 fast lane.' })
  @ApiCreatedResponse({ type: IdResponse })
  async approval(@CommandActorParam() actor: CommandActor, @Body() dto: ApprovalDto): Promise<IdResponse> {
    return { id: await this.manifests.createApproval(actor, dto) };
  }

  @Post('collection-rounds')
  @Authorize(ManifestPolicies.round)
  @ApiOperation({ summary: 'Plan a collection round', description: 'One trip collecting from many small generators; each generator drafts its own manifest with this roundId.' })
  @ApiCreatedResponse({ type: IdResponse })
  async round(@CommandActorParam() actor: CommandActor, @Body() dto: RoundDto): Promise<IdResponse> {
    return { id: await this.manifests.createRound(actor, dto) };
  }
}
