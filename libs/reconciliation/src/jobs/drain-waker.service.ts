import { Inject, Injectable, Logger } from '@nestjs/common';
import type { JobsOptions } from 'bullmq';
import { JobName, JobQueueService } from '@app/queue';
import { LedgerDrain } from '../drain/ledger-drain.service';
import { RECONCILIATION_OPTIONS, ReconciliationOptions } from '../reconciliation-options';
import { withTimeout } from '../webhooks/webhook-dispatcher.service';

/**
 * A deterministic id, removed as soon as the job ends: at most one drain job waits at a time, and a
 * wake while one runs is picked up by that run (LedgerDrain.noteWake) rather than queued.
 */
export const DRAIN_JOB_OPTIONS: JobsOptions = { jobId: 'drain-ledger', removeOnComplete: true, removeOnFail: true };

/**
 * Turns "something committed" into a drain. Normally that is a DrainLedger job on the queue (so any
 * worker may take it); when the queue does not answer (Redis down) this process drains itself,
 * from the cursor in Postgres. Wakes that arrive while an enqueue is in flight fold into one more.
 */
@Injectable()
export class DrainWaker {
  private readonly logger = new Logger(DrainWaker.name);
  private inFlight: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly queues: JobQueueService,
    private readonly drain: LedgerDrain,
    @Inject(RECONCILIATION_OPTIONS) private readonly options: ReconciliationOptions,
  ) {}

  wake(): void {
    this.drain.noteWake();
    if (this.inFlight) {
      this.again = true;
      return;
    }
    this.inFlight = this.enqueue().finally(() => {
      this.inFlight = null;
      if (this.again) {
        this.again = false;
        this.wake();
      }
    });
  }

  /** Resolves when the current wake has been handed over (for tests and shutdown). */
  async settled(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  private async enqueue(): Promise<void> {
    // A run of this process that just ended may still hold the job id, and the queue would drop this
    // wake as a duplicate: drain here as well (the advisory lock keeps it to one drain at a time).
    const local = this.drain.busyOrJustFinished(250);
    const queued = await withTimeout(this.queues.enqueue(JobName.DrainLedger, {}, DRAIN_JOB_OPTIONS), this.options.enqueueTimeoutMs);
    if (queued && !local) return;
    try {
      await this.drain.drain();
    } catch (error) {
      this.logger.error({ err: (error as Error).message }, 'in-process drain failed; the next wake or poll retries');
    }
  }
}
