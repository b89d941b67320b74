import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { JobName, JobQueueService } from '@app/queue';
import { RECONCILIATION_OPTIONS, ReconciliationOptions } from '../reconciliation-options';

/** Job id of a delivery: enqueueing it twice (a catch-up after a lost enqueue) is a no-op. */
export const deliveryJobId = (deliveryId: string): string => `webhook-${deliveryId}`;

/**
 * Hands committed webhook deliveries to the queue. The table is the record: a delivery whose job was
 * lost (Redis down at the time) is found again by `requeuePending`, which the full sweep runs.
 */
@Injectable()
export class WebhookDispatcher {
  private readonly logger = new Logger(WebhookDispatcher.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly queues: JobQueueService,
    @Inject(RECONCILIATION_OPTIONS) private readonly options: ReconciliationOptions,
  ) {}

  async dispatch(deliveryIds: readonly string[]): Promise<void> {
    const { attempts, backoffMs } = this.options.webhook;
    for (const id of deliveryIds) {
      const queued = await withTimeout(
        this.queues.enqueue(JobName.DeliverWebhook, { deliveryId: id }, { jobId: deliveryJobId(id), attempts, backoff: { type: 'exponential', delay: backoffMs } }),
        this.options.enqueueTimeoutMs,
      );
      if (!queued) {
        this.logger.warn({ pending: deliveryIds.length }, 'webhook deliveries not queued; the next full sweep re-queues them');
        return;
      }
    }
  }

  /** Pending deliveries older than a minute whose job may have been lost. */
  async requeuePending(): Promise<number> {
    const rows = (await this.db.query(
      `SELECT d.id FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
        WHERE d.status = 'pending' AND s.active AND d.created_at < now() - interval '1 minute'
          AND (d.last_attempt_at IS NULL OR d.last_attempt_at < now() - interval '10 minutes')
        ORDER BY d.created_at LIMIT 10000`,
    )) as { id: string }[];
    await this.dispatch(rows.map((r) => r.id));
    return rows.length;
  }
}

/** The queue's promise, or false when it has not answered in time (a worker's queue waits for Redis). */
export async function withTimeout(promise: Promise<boolean>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
