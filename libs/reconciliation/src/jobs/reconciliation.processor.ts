import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { JobName, JobPayloads, QueueName, WORKER_OPTIONS } from '@app/queue';
import { LedgerDrain } from '../drain/ledger-drain.service';
import { isRuleCode } from '../rules/rule-registry';
import { SweepService } from '../sweep/sweep.service';

type ReconciliationJob = Job<JobPayloads[JobName.DrainLedger] | JobPayloads[JobName.Sweep], unknown, string>;

/**
 * DrainLedger and Sweep. Both are safe to repeat: the drain resumes from the cursor in Postgres under
 * an advisory lock, and evaluation is idempotent (a unique partial index keeps one alert per rule and
 * subject, whatever runs twice).
 *
 * Concurrency is 2 (WORKER_OPTIONS) so that a sweep does not hold up the drain (the drain's advisory lock keeps
 * drains to one at a time anyway).
 */
@Processor(QueueName.Reconciliation, WORKER_OPTIONS[QueueName.Reconciliation])
export class ReconciliationProcessor extends WorkerHost {
  private readonly logger = new Logger(ReconciliationProcessor.name);
  private lastConnectionWarning = 0;

  constructor(
    private readonly drain: LedgerDrain,
    private readonly sweeps: SweepService,
  ) {
    super();
  }

  async process(job: ReconciliationJob): Promise<unknown> {
    switch (job.name) {
      case JobName.DrainLedger:
        return this.drain.drain();
      case JobName.Sweep: {
        const { rule } = job.data as JobPayloads[JobName.Sweep];
        if (rule !== undefined && !isRuleCode(rule)) {
          this.logger.warn({ rule }, 'sweep of an unknown rule ignored');
          return { ignored: rule };
        }
        const result = await this.sweeps.sweep(rule);
        return { ms: result.ms, changed: result.rules.filter((r) => r.opened + r.updated + r.resolved > 0), requeued: result.requeuedDeliveries };
      }
      default:
        throw new Error(`unknown reconciliation job ${job.name}`);
    }
  }

  /** Redis going away is expected now and then (the drain carries on from Postgres): a line a minute. */
  @OnWorkerEvent('error')
  onError(error: Error): void {
    if (Date.now() - this.lastConnectionWarning < 60_000) return;
    this.lastConnectionWarning = Date.now();
    this.logger.warn({ err: error.message }, 'reconciliation worker cannot reach its queue');
  }
}
