import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { JobName, JobQueueService, QueueName } from '@app/queue';
import { LEDGER_OPTIONS, LedgerOptions } from '../ledger-options';

/** How often the schedule is registered again: a Redis that restarted empty has forgotten it. */
const REASSERT_EVERY_MS = 30_000;

/**
 * The repeatable SealCheckpoint job. Registered (idempotently) when the worker starts and again
 * every half minute, because the schedule lives in Redis: after a Redis restart without
 * persistence it would otherwise never fire again until the worker restarted.
 */
@Injectable()
export class LedgerScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  static readonly SEAL_SCHEDULER_ID = 'ledger:seal-checkpoint';
  private readonly logger = new Logger(LedgerScheduler.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly queues: JobQueueService,
    @Inject(LEDGER_OPTIONS) private readonly options: LedgerOptions,
  ) {}

  onApplicationBootstrap(): void {
    // Not awaited: with Redis down the worker still boots, and the call completes when Redis is back.
    this.register();
    this.timer = setInterval(() => this.register(), REASSERT_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private register(): void {
    this.queues
      .queue(QueueName.Ledger)
      .upsertJobScheduler(LedgerScheduler.SEAL_SCHEDULER_ID, { every: this.options.sealEveryMs }, { name: JobName.SealCheckpoint, data: {} })
      .catch((error: unknown) => this.logger.warn({ err: (error as Error).message }, 'could not schedule ledger sealing; will try again'));
  }
}
