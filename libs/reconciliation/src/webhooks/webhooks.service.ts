import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig, SECRET_BOX, SecretBox } from '@app/config';
import { DomainException } from '@app/errors';
import { LedgerService } from '@app/ledger';
import { Actor, isPlatformAdmin, isRegulator } from '@app/parties';
import { RECONCILIATION_OPTIONS, ReconciliationOptions } from '../reconciliation-options';
import { updateReturning } from '../sql';
import { Severity } from '../rules/rule-registry';
import { CreateWebhookDto, CreatedWebhookView, DeliveryView, WebhookView } from './webhook.dto';
import { newWebhookSecret } from './webhook-signature';
import { webhookTargetProblem } from './webhook-target';
import '../reconciliation.errors';

interface SubscriptionRow {
  id: string;
  organisation_id: string;
  url: string;
  description: string;
  scope: 'party' | 'jurisdiction';
  rules: string[] | null;
  min_severity: Severity;
  active: boolean;
  consecutive_failures: number;
  disabled_at: Date | null;
  disabled_reason: string | null;
  created_at: Date;
}

interface DeliveryRow {
  id: string;
  alert_id: string;
  event: string;
  status: string;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: Date | null;
  created_at: Date;
}

const toView = (r: SubscriptionRow): WebhookView => ({
  id: r.id,
  organisationId: r.organisation_id,
  url: r.url,
  description: r.description,
  scope: r.scope,
  rules: r.rules,
  minSeverity: r.min_severity,
  active: r.active,
  consecutiveFailures: r.consecutive_failures,
  disabledAt: r.disabled_at?.toISOString() ?? null,
  disabledReason: r.disabled_reason,
  createdAt: r.created_at.toISOString(),
});

const COLUMNS = `id, organisation_id, url, description, scope, rules, min_severity, active, consecutive_failures, disabled_at, disabled_reason, created_at`;

/**
 * Webhook subscriptions: an organisation subscribes to the alerts about itself, a regulator to those
 * in its jurisdiction (as it stands when subscribing). Removing one keeps the row and its deliveries.
 */
@Injectable()
export class WebhooksService implements OnApplicationBootstrap {
  private readonly logger = new Logger(WebhooksService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly ledger: LedgerService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(RECONCILIATION_OPTIONS) private readonly options: ReconciliationOptions,
    @Inject(SECRET_BOX) private readonly box: SecretBox,
  ) {}

  /** Secrets stored before they were sealed are sealed at start (the one place they are rewritten). */
  async onApplicationBootstrap(): Promise<void> {
    try {
      const sealed = await this.sealStoredSecrets();
      if (sealed) this.logger.log({ sealed }, 'sealed webhook secrets stored in clear');
    } catch (error) {
      // Not fatal: a secret in clear still signs; the next start tries again.
      this.logger.warn({ err: (error as Error).message }, 'could not seal the webhook secrets stored in clear');
    }
  }

  /** Seals every secret still stored in clear; returns how many. Safe to run concurrently and again. */
  async sealStoredSecrets(): Promise<number> {
    const rows = (await this.db.query(`SELECT id, secret FROM webhook_subscriptions WHERE secret NOT LIKE 'wlbox1.%'`)) as { id: string; secret: string }[];
    let sealed = 0;
    for (const row of rows) {
      // Only if it is still the value read: a concurrent start may have sealed it already.
      const updated = (await this.db.query(`UPDATE webhook_subscriptions SET secret = $2 WHERE id = $1 AND secret = $3 RETURNING id`, [
        row.id,
        this.box.seal(row.secret),
        row.secret,
      ])) as [unknown[], number];
      sealed += updated[1];
    }
    return sealed;
  }

  async create(actor: Actor, dto: CreateWebhookDto): Promise<CreatedWebhookView> {
    if (!actor.organisationId) throw new DomainException('WEBHOOK_SCOPE_UNAVAILABLE');
    const allow = this.options.webhook.allowPrivateTargets;
    const problem = await webhookTargetProblem(dto.url, allow === 'unless-production' ? this.config.env !== 'production' : allow);
    if (problem) throw new DomainException('WEBHOOK_URL_NOT_ALLOWED', { reason: problem }, { field: 'url', reason: problem });
    const jurisdiction = isRegulator(actor) && actor.jurisdictionPrefixes.length > 0;
    const secret = newWebhookSecret();
    const organisationId = actor.organisationId;
    const row = await this.db.transaction(async (m) => {
      const [created] = (await m.query(
        `INSERT INTO webhook_subscriptions (organisation_id, url, secret, description, scope, region_keys, rules, min_severity, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
        [
          organisationId,
          dto.url,
          this.box.seal(secret),
          dto.description ?? '',
          jurisdiction ? 'jurisdiction' : 'party',
          jurisdiction ? actor.jurisdictionPrefixes : [],
          dto.rules ? [...new Set(dto.rules)] : null,
          dto.minSeverity ?? 'low',
          actor.userId,
        ],
      )) as SubscriptionRow[];
      await this.ledger.append(m, {
        subjectType: 'webhook',
        subjectId: created.id,
        type: 'webhook.subscribed',
        actor: { organisationId, userId: actor.userId },
        payload: { organisationId, url: created.url, scope: created.scope, rules: created.rules, minSeverity: created.min_severity },
      });
      return created;
    });
    return { ...toView(row), secret };
  }

  async list(actor: Actor): Promise<WebhookView[]> {
    const rows = (await this.db.query(
      `SELECT ${COLUMNS} FROM webhook_subscriptions WHERE deleted_at IS NULL AND ($1::boolean OR organisation_id = $2) ORDER BY created_at DESC`,
      [isPlatformAdmin(actor), actor.organisationId],
    )) as SubscriptionRow[];
    return rows.map(toView);
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await this.db.transaction(async (m) => {
      const [row] = await updateReturning<{ organisation_id: string }>(
        m,
        `UPDATE webhook_subscriptions SET active = false, deleted_at = now(), deleted_by = $2 WHERE id = $1 AND deleted_at IS NULL RETURNING organisation_id`,
        [id, actor.userId],
      );
      if (!row) throw new DomainException('NOT_FOUND');
      await m.query(`UPDATE webhook_deliveries SET status = 'abandoned' WHERE subscription_id = $1 AND status = 'pending'`, [id]);
      await this.ledger.append(m, {
        subjectType: 'webhook',
        subjectId: id,
        type: 'webhook.unsubscribed',
        actor: { organisationId: actor.organisationId, userId: actor.userId },
        payload: { organisationId: row.organisation_id },
      });
    });
  }

  async deliveries(id: string, limit = 50): Promise<DeliveryView[]> {
    const rows = (await this.db.query(
      `SELECT id, alert_id, event, status, attempts, last_status_code, last_error, delivered_at, created_at
         FROM webhook_deliveries WHERE subscription_id = $1 ORDER BY created_at DESC, id LIMIT $2`,
      [id, limit],
    )) as DeliveryRow[];
    return rows.map((r) => ({
      id: r.id,
      alertId: r.alert_id,
      event: r.event,
      status: r.status,
      attempts: r.attempts,
      lastStatusCode: r.last_status_code,
      lastError: r.last_error,
      deliveredAt: r.delivered_at?.toISOString() ?? null,
      createdAt: r.created_at.toISOString(),
    }));
  }
}
