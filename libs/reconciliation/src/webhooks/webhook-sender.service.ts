import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SECRET_BOX, SecretBox } from '@app/config';
import { LedgerService } from '@app/ledger';
import { RECONCILIATION_OPTIONS, ReconciliationOptions } from '../reconciliation-options';
import { updateReturning } from '../sql';
import { WEBHOOK_HEADERS, signWebhook } from './webhook-signature';

export type DeliveryOutcome = 'delivered' | 'retry' | 'failed' | 'abandoned' | 'skipped';

interface DeliveryRow {
  id: string;
  subscription_id: string;
  event: string;
  status: string;
  payload: unknown;
  url: string;
  secret: string;
  active: boolean;
}

/**
 * One attempt at one delivery: POST the stored payload, signed, to the subscription's URL, and
 * record the outcome. Already delivered, or for a subscription since removed or disabled: nothing to
 * do, so a repeated job is harmless. Failed attempts in a row are counted per subscription; after
 * `maxConsecutiveFailures` the subscription is disabled and its pending deliveries abandoned.
 */
@Injectable()
export class WebhookSender {
  private readonly logger = new Logger(WebhookSender.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly ledger: LedgerService,
    @Inject(RECONCILIATION_OPTIONS) private readonly options: ReconciliationOptions,
    @Inject(SECRET_BOX) private readonly box: SecretBox,
  ) {}

  async attempt(deliveryId: string, lastAttempt: boolean): Promise<DeliveryOutcome> {
    const [row] = (await this.db.query(
      `SELECT d.id, d.subscription_id, d.event, d.status, d.payload, s.url, s.secret, s.active
         FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id WHERE d.id = $1`,
      [deliveryId],
    )) as DeliveryRow[];
    if (!row || row.status !== 'pending') return 'skipped';
    if (!row.active) {
      await this.db.query(`UPDATE webhook_deliveries SET status = 'abandoned' WHERE id = $1 AND status = 'pending'`, [deliveryId]);
      return 'abandoned';
    }

    const body = JSON.stringify(row.payload);
    const timestamp = Math.floor(Date.now() / 1000);
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      // Inside the try: a secret that cannot be opened (sealed with another key) fails this attempt, like an unreachable target.
      const signature = signWebhook(this.box.open(row.secret), timestamp, body);
      const response = await fetch(row.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.webhook.timeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'wasteledger-webhooks/1',
          [WEBHOOK_HEADERS.event]: row.event,
          [WEBHOOK_HEADERS.delivery]: row.id,
          [WEBHOOK_HEADERS.timestamp]: String(timestamp),
          [WEBHOOK_HEADERS.signature]: signature,
        },
        body,
      });
      statusCode = response.status;
      // The body is not needed; reading it frees the connection.
      await response.arrayBuffer().catch(() => undefined);
      if (response.status < 200 || response.status >= 300) error = `HTTP ${response.status}`;
    } catch (e) {
      error = (e as Error).name === 'TimeoutError' ? 'timed out' : (e as Error).message.slice(0, 300);
    }

    if (!error) {
      await this.db.transaction(async (m) => {
        await m.query(
          `UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1, last_attempt_at = now(), last_status_code = $2,
                  last_error = NULL, delivered_at = now() WHERE id = $1`,
          [row.id, statusCode],
        );
        await m.query(`UPDATE webhook_subscriptions SET consecutive_failures = 0, last_success_at = now() WHERE id = $1`, [row.subscription_id]);
      });
      return 'delivered';
    }

    return this.db.transaction(async (m) => {
      await m.query(
        `UPDATE webhook_deliveries SET attempts = attempts + 1, last_attempt_at = now(), last_status_code = $2, last_error = $3,
                status = CASE WHEN $4::boolean THEN 'failed' ELSE status END
          WHERE id = $1`,
        [row.id, statusCode, error, lastAttempt],
      );
      const [sub] = await updateReturning<{ consecutive_failures: number; organisation_id: string }>(
        m,
        `UPDATE webhook_subscriptions SET consecutive_failures = consecutive_failures + 1, last_failure_at = now()
          WHERE id = $1 AND active RETURNING consecutive_failures, organisation_id`,
        [row.subscription_id],
      );
      if (sub && sub.consecutive_failures >= this.options.webhook.maxConsecutiveFailures) {
        const reason = `${sub.consecutive_failures} failed attempts in a row; last: ${error}`;
        await m.query(`UPDATE webhook_subscriptions SET active = false, disabled_at = now(), disabled_reason = $2 WHERE id = $1`, [row.subscription_id, reason]);
        await m.query(`UPDATE webhook_deliveries SET status = 'abandoned' WHERE subscription_id = $1 AND status = 'pending'`, [row.subscription_id]);
        await this.ledger.append(m, {
          subjectType: 'webhook',
          subjectId: row.subscription_id,
          type: 'webhook.disabled',
          actor: {},
          payload: { reason, organisationId: sub.organisation_id },
        });
        this.logger.warn({ subscription: row.subscription_id, reason }, 'webhook subscription disabled');
        return 'abandoned';
      }
      return lastAttempt ? 'failed' : 'retry';
    });
  }
}
