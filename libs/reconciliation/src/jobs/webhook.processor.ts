import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { JobName, JobPayloads, QueueName, WORKER_OPTIONS } from '@app/queue';
import { WebhookSender } from '../webhooks/webhook-sender.service';

/** DeliverWebhook: one attempt per run; a failure throws so the queue retries with exponential backoff. */
@Processor(QueueName.Webhooks, WORKER_OPTIONS[QueueName.Webhooks])
export class WebhookProcessor extends WorkerHost {
  private readonly logger = new Logger(WebhookProcessor.name);
  private lastConnectionWarning = 0;

  constructor(private readonly sender: WebhookSender) {
    super();
  }

  async process(job: Job<JobPayloads[JobName.DeliverWebhook], unknown, string>): Promise<unknown> {
    if (job.name !== (JobName.DeliverWebhook as string)) throw new Error(`unknown webhook job ${job.name}`);
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const outcome = await this.sender.attempt(job.data.deliveryId, lastAttempt);
    if (outcome === 'retry' || outcome === 'failed') throw new Error(`webhook delivery ${job.data.deliveryId} failed`);
    return { outcome };
  }

  @OnWorkerEvent('error')
  onError(error: Error): void {
    if (Date.now() - this.lastConnectionWarning < 60_000) return;
    this.lastConnectionWarning = Date.now();
    this.logger.warn({ err: error.message }, 'webhook worker cannot reach its queue');
  }
}
