import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { JobName, JobPayloads, QueueName, WORKER_OPTIONS } from '@app/queue';
import { CheckpointService } from '../checkpoints/checkpoint.service';
import { VerificationService } from '../verification/verification.service';

type LedgerJob = Job<JobPayloads[JobName.SealCheckpoint] | JobPayloads[JobName.VerifyLedger], unknown, string>;

/**
 * The worker's ledger jobs. Both are safe to repeat: sealing continues from the last checkpoint
 * under an advisory lock, and a verification that already finished is not run again.
 *
 * Concurrency is 2 (WORKER_OPTIONS) so that a long verification does not hold up sealing (which the
 * advisory lock keeps to one at a time anyway).
 */
@Processor(QueueName.Ledger, WORKER_OPTIONS[QueueName.Ledger])
export class LedgerProcessor extends WorkerHost {
  private readonly logger = new Logger(LedgerProcessor.name);

  constructor(
    private readonly checkpoints: CheckpointService,
    private readonly verifications: VerificationService,
  ) {
    super();
  }

  async process(job: LedgerJob): Promise<unknown> {
    switch (job.name) {
      case JobName.SealCheckpoint: {
        const result = await this.checkpoints.sealCheckpoint();
        // The table, not Redis, records verification requests: catch up on any that never became jobs.
        await this.verifications.requeueStale();
        return { sealed: result.sealed.length, toSeq: result.sealed.at(-1)?.toSeq ?? null, stoppedBecause: result.stoppedBecause };
      }
      case JobName.VerifyLedger: {
        const record = await this.verifications.runVerification(job.id, job.data as JobPayloads[JobName.VerifyLedger]);
        return { verificationId: record.id, status: record.status, eventsChecked: record.eventsChecked };
      }
      default:
        this.logger.warn({ job: job.name }, 'unknown job on the ledger queue');
        throw new Error(`unknown ledger job ${job.name}`);
    }
  }
}
