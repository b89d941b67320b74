import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { JobName, JobQueueService, QueueName } from '@app/queue';
import { LEDGER_OPTIONS, LedgerOptions } from '../ledger-options';

/** The repeatable SealCheckpoint job, registered (idempotently) when the worker starts. */
@Injectable()
export class LedgerScheduler implements OnApplicationBootstrap {
  static readonly SEAL_SCHEDULER_ID = 'ledger:seal-checkpoint';
  private readonly logger = new Logger(LedgerScheduler.name);

  constructor(
    private readonly queues: JobQueueService,
    @Inject(LEDGER_OPTIONS) private readonly options: LedgerOptions,
  ) {}

  onApplicationBootstrap(): void {
    // Not awaited: with Redis down the worker still boots, and the call completes when Redis is back.
    this.queues
      .queue(QueueName.Ledger)
      .upsertJobScheduler(LedgerScheduler.SEAL_SCHEDULER_ID, { every: this.options.sealEveryMs }, { name: JobName.SealCheckpoint, data: {} })
      .catch((error: unknown) => this.logger.error({ err: (error as Error).message }, 'could not schedule ledger sealing'));
  }
}
