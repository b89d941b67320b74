import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { DataSource } from 'typeorm';
import { CommandActor, ContainerPolicies, LineageService } from '@app/containers';
import { ApiErrors } from '@app/errors';
import { CheckpointService, ExportService, LedgerBundle, LedgerService, VerificationService } from '@app/ledger';
import { ManifestPolicies } from '@app/manifests';
import { Authorize } from '@app/parties';
import { CommandActorParam } from '../command-actor';
import { LedgerPolicies } from './ledger.policies';

class PageQuery {
  @ApiPropertyOptional({ description: 'Return events after this subject sequence number (keyset pagination).' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  afterSeq?: number;

  @ApiPropertyOptional({ default: 100, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

class VerificationRequestDto {
  @ApiPropertyOptional({ description: 'First global seq to verify (default: the beginning).' }) @IsOptional() @Matches(/^\d{1,19}$/) fromSeq?: string;
  @ApiPropertyOptional({ description: 'Last global seq to verify (default: the end).' }) @IsOptional() @Matches(/^\d{1,19}$/) toSeq?: string;
}

@ApiTags('ledger')
@Controller()
export class LedgerController {
  constructor(
    private readonly ledger: LedgerService,
    private readonly verification: VerificationService,
    private readonly exports: ExportService,
    private readonly checkpoints: CheckpointService,
    private readonly lineage: LineageService,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  private async alertsAbout(subjectType: string, subjectId: string): Promise<unknown[]> {
    const [{ exists }] = (await this.db.query(`SELECT to_regclass('alerts') IS NOT NULL AS exists`)) as { exists: boolean }[];
    if (!exists) return [];
    return this.db.query(
      `SELECT id, rule, severity, status, opened_at AS "openedAt", resolved_at AS "resolvedAt" FROM alerts
        WHERE subject_type = $1 AND subject_id = $2 ORDER BY opened_at`,
      [subjectType, subjectId],
    ) as Promise<unknown[]>;
  }

  @Get('containers/:id/story')
  @Authorize(ContainerPolicies.read)
  @ApiOperation({
    summary: "A container's full story",
    description:
      'Its ledger events in order (a page at a time), who held it when (from its custody scans), the manifests it travelled on, what it was packed into or made from, and its alerts.',
  })
  @ApiErrors('CONTAINER_NOT_FOUND')
  async containerStory(@Param('id', ParseUUIDPipe) id: string, @Query() q: PageQuery): Promise<Record<string, unknown>> {
    const [page, custody, manifests, packedIn, contents, madeFrom, wentInto, alerts] = await Promise.all([
      this.ledger.subjectEvents('container', id, { afterSeq: q.afterSeq, limit: q.limit }),
      this.db.query(
        `SELECT * FROM (
           SELECT c.organisation_id AS "holderId", o.name AS "holderName", c.generated_at AS "from", 'registered' AS via
             FROM containers c JOIN organisations o ON o.id = c.organisation_id WHERE c.id = $1
           UNION ALL
           SELECT s.organisation_id, o.name, s.device_time, s.kind FROM scans s JOIN organisations o ON o.id = s.organisation_id
            WHERE s.container_id = $1 AND s.accepted
         ) t ORDER BY "from"`,
        [id],
      ),
      this.db.query(
        `SELECT m.id, m.number, m.status, i.decision, i.final_method AS "finalMethod", i.loaded_at AS "loadedAt", i.arrived_at AS "arrivedAt"
           FROM manifest_items i JOIN manifests m ON m.id = i.manifest_id WHERE i.container_id = $1 ORDER BY m.created_at`,
        [id],
      ),
      this.lineage.packedIn(id),
      this.lineage.contents(id),
      this.lineage.madeFrom(id),
      this.lineage.wentInto(id),
      this.alertsAbout('container', id),
    ]);
    return { ...page, custody, manifests, lineage: { packedIn, contents, madeFrom, wentInto }, alerts };
  }

  @Get('manifests/:id/story')
  @Authorize(ManifestPolicies.read)
  @ApiOperation({ summary: "A manifest's full story", description: 'Its ledger events in order (a page at a time) and its alerts.' })
  @ApiErrors('MANIFEST_NOT_FOUND')
  async manifestStory(@Param('id', ParseUUIDPipe) id: string, @Query() q: PageQuery): Promise<Record<string, unknown>> {
    const [page, alerts] = await Promise.all([this.ledger.subjectEvents('manifest', id, { afterSeq: q.afterSeq, limit: q.limit }), this.alertsAbout('manifest', id)]);
    return { ...page, alerts };
  }

  @Get('ledger/:subjectType/:subjectId/verify')
  @Authorize(LedgerPolicies.subject)
  @ApiOperation({
    summary: "Verify one subject's hash chain",
    description: 'Recomputes every event hash of the subject, checks the links and the head, and names the first broken link if any.',
  })
  @ApiErrors('NOT_FOUND', 'LEDGER_SUBJECT_NOT_FOUND')
  verify(@Param('subjectType') subjectType: string, @Param('subjectId') subjectId: string): Promise<unknown> {
    return this.verification.verifySubject(subjectType, subjectId);
  }

  @Get('ledger/:subjectType/:subjectId/bundle')
  @Authorize(LedgerPolicies.subject)
  @ApiOperation({
    summary: "Download a subject's events with their proofs",
    description:
      'Events, each with its Merkle inclusion path to a signed checkpoint where sealed, the checkpoints and the public key: re-verifiable offline with scripts/verify-ledger-bundle.js (docs/ledger.md). The download is recorded in the ledger.',
  })
  @ApiErrors('NOT_FOUND', 'LEDGER_SUBJECT_NOT_FOUND')
  async bundle(
    @CommandActorParam() actor: CommandActor,
    @Param('subjectType') subjectType: string,
    @Param('subjectId') subjectId: string,
  ): Promise<LedgerBundle> {
    const bundle = await this.exports.exportSubjectBundle(subjectType, subjectId);
    await this.db.transaction((m) =>
      this.ledger.append(m, {
        subjectType: 'organisation',
        subjectId: actor.organisationId,
        type: 'export.ledger_bundle',
        actor,
        payload: { subjectType, subjectId, events: bundle.events.length },
      }),
    );
    return bundle;
  }

  @Post('ledger/verifications')
  @Authorize(LedgerPolicies.auditor)
  @ApiOperation({ summary: 'Verify the whole ledger or a range, in the background', description: 'A worker job checks every chain and checkpoint and records the first broken link.' })
  @ApiErrors('LEDGER_RANGE_INVALID')
  request(@Body() dto: VerificationRequestDto): Promise<unknown> {
    return this.verification.requestVerification({ fromSeq: dto.fromSeq, toSeq: dto.toSeq });
  }

  @Get('ledger/verifications')
  @Authorize(LedgerPolicies.auditor)
  @ApiOperation({ summary: 'Recent ledger verifications and their results' })
  list(): Promise<unknown> {
    return this.verification.listVerifications({ limit: 50 });
  }

  @Get('ledger/verifications/:id')
  @Authorize(LedgerPolicies.auditor)
  @ApiOperation({ summary: 'One ledger verification' })
  @ApiErrors('LEDGER_VERIFICATION_NOT_FOUND')
  one(@Param('id', ParseUUIDPipe) id: string): Promise<unknown> {
    return this.verification.getVerification(id);
  }

  @Get('ledger/checkpoints/latest')
  @Authorize(LedgerPolicies.auditor)
  @ApiOperation({ summary: 'The latest signed checkpoint' })
  latest(): Promise<unknown> {
    return this.checkpoints.latest();
  }
}
