import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { JobsOptions, Queue } from 'bullmq';
import { JOB_QUEUE, JobName, JobPayloads, QueueName } from './job-catalog';

/**
 * The typed way to enqueue. A queue only wakes workers up, so enqueueing is best effort: when
 * Redis is down the call logs and returns false, and the work is found again from Postgres.
 */
@Injectable()
export class JobQueueService {
  private readonly logger = new Logger(JobQueueService.name);
  private readonly queues: Record<QueueName, Queue>;

  constructor(
    @InjectQueue(QueueName.Ledger) ledger: Queue,
    @InjectQueue(QueueName.Reconciliation) reconciliation: Queue,
    @InjectQueue(QueueName.Webhooks) webhooks: Queue,
  ) {
    this.queues = { [QueueName.Ledger]: ledger, [QueueName.Reconciliation]: reconciliation, [QueueName.Webhooks]: webhooks };
    // Without a listener a Redis outage is an unhandled 'error' event; with one it is a log line a minute.
    let lastLogged = 0;
    for (const queue of Object.values(this.queues)) {
      queue.on('error', (error: Error) => {
        if (Date.now() - lastLogged < 60_000) return;
        lastLogged = Date.now();
        this.logger.warn({ queue: queue.name, err: error.message }, 'queue connection error');
      });
    }
  }

  queue(name: QueueName): Queue {
    return this.queues[name];
  }

  async enqueue<J extends JobName>(job: J, payload: JobPayloads[J], options: JobsOptions = {}): Promise<boolean> {
    try {
      await this.queues[JOB_QUEUE[job]].add(job, payload, options);
      return true;
    } catch (error) {
      this.logger.warn({ job, err: (error as Error).message }, 'enqueue failed; the work will be picked up from the database');
      return false;
    }
  }
}
