import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { JobName, JobQueueService, QueueName } from '@app/queue';
import { RECONCILIATION_OPTIONS, ReconciliationOptions } from '../reconciliation-options';
import { RULE_LIST } from '../rules/rule-registry';
import { DRAIN_JOB_OPTIONS } from './drain-waker.service';

/**
 * Drain jobs carry no priority, which BullMQ serves first; sweeps wait behind them, so a minute's
 * batch of sweeps never queues ahead of the drain that turns an event into an alert.
 */
export const SWEEP_PRIORITY = 10;
const FULL_SWEEP_PRIORITY = 20;

/** How often the schedules are registered again: a Redis that restarted empty has forgotten them. */
const REASSERT_EVERY_MS = 30_000;

/**
 * The repeatable jobs, registered idempotently when a worker starts and again every half minute
 * (the schedules live in Redis, which may restart empty): the short poll that drains the ledger
 * even when no wake-up arrived (a worker or Redis that was down catches up from the cursor in
 * Postgres), one sweep per time-based rule, and a full sweep of every rule.
 */
@Injectable()
export class ReconciliationScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  static readonly POLL_ID = 'reconciliation:poll';
  static readonly FULL_SWEEP_ID = 'reconciliation:sweep';
  private readonly logger = new Logger(ReconciliationScheduler.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly queues: JobQueueService,
    @Inject(RECONCILIATION_OPTIONS) private readonly options: ReconciliationOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.schedule) return;
    // Not awaited: with Redis down the worker still boots, and the calls complete when Redis is back.
    const register = (): void =>
      void this.register().catch((error: unknown) => this.logger.warn({ err: (error as Error).message }, 'could not schedule reconciliation; will try again'));
    register();
    this.timer = setInterval(register, REASSERT_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async register(): Promise<void> {
    const queue = this.queues.queue(QueueName.Reconciliation);
    const { removeOnComplete, removeOnFail } = DRAIN_JOB_OPTIONS;
    await queue.upsertJobScheduler(
      ReconciliationScheduler.POLL_ID,
      { every: this.options.pollEveryMs },
      { name: JobName.DrainLedger, data: {}, opts: { removeOnComplete, removeOnFail } },
    );
    for (const rule of RULE_LIST.filter((r) => r.timeBased)) {
      await queue.upsertJobScheduler(
        `${ReconciliationScheduler.FULL_SWEEP_ID}:${rule.code}`,
        { every: this.options.timeSweepEveryMs },
        { name: JobName.Sweep, data: { rule: rule.code }, opts: { priority: SWEEP_PRIORITY, removeOnComplete: { count: 100 }, removeOnFail: { count: 1000 } } },
      );
    }
    await queue.upsertJobScheduler(
      ReconciliationScheduler.FULL_SWEEP_ID,
      { every: this.options.fullSweepEveryMs },
      { name: JobName.Sweep, data: {}, opts: { priority: FULL_SWEEP_PRIORITY, removeOnComplete: { count: 100 }, removeOnFail: { count: 1000 } } },
    );
  }
}
