import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainException } from '@app/errors';
import { Actor, isPlatformAdmin } from '@app/parties';
import { AlertRecorder } from '../evaluation/alert-recorder.service';
import { lockRule } from '../evaluation/rule-evaluator.service';
import { updateReturning } from '../sql';
import { WebhookDispatcher } from '../webhooks/webhook-dispatcher.service';
import { AlertPage, AlertListQueryDto } from './alert.dto';
import { AlertRow, AlertView, toAlertView } from './alert-row';
import '../reconciliation.errors';

/** Who may see which alerts, as SQL over `alerts a`: $1 platform admin, $2 organisation, $3 jurisdiction prefixes. */
export const ALERT_VISIBLE_SQL = `($1::boolean OR ($2::uuid IS NOT NULL AND a.party_ids @> ARRAY[$2::uuid]) OR a.region_keys && $3::text[])`;

export function visibilityParams(actor: Actor): [boolean, string | null, string[]] {
  return [isPlatformAdmin(actor), actor.organisationId, actor.jurisdictionPrefixes];
}

function encodeCursor(openedUs: string, id: string): string {
  return Buffer.from(`${openedUs}.${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { openedUs: string; id: string } {
  const m = /^(\d{1,20})\.([0-9a-f-]{36})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw new DomainException('VALIDATION_FAILED', {}, [{ field: 'after', constraints: { cursor: 'after must be a cursor this API returned' } }]);
  return { openedUs: m[1], id: m[2] };
}

/**
 * Reading and triaging alerts. A regulator sees the alerts inside its jurisdiction and is the only
 * one who acknowledges or resolves them (with a note); parties see the alerts about their own
 * containers, manifests and organisation. Each step is one transaction with its ledger event and
 * webhook deliveries.
 */
@Injectable()
export class AlertsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly recorder: AlertRecorder,
    private readonly webhooks: WebhookDispatcher,
  ) {}

  async list(actor: Actor, q: AlertListQueryDto): Promise<AlertPage> {
    const limit = q.limit ?? 50;
    const params: unknown[] = [...visibilityParams(actor)];
    const where = [ALERT_VISIBLE_SQL];
    const add = (sql: (p: string) => string, value: unknown): void => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (q.rule) add((p) => `a.rule = ${p}`, q.rule);
    if (q.severity) add((p) => `a.severity = ${p}`, q.severity);
    if (q.status === 'active') where.push(`a.status <> 'resolved'`);
    else if (q.status) add((p) => `a.status = ${p}`, q.status);
    if (q.organisationId) add((p) => `a.organisation_id = ${p}::uuid`, q.organisationId);
    if (q.subjectType) add((p) => `a.subject_type = ${p}`, q.subjectType);
    if (q.subjectId) add((p) => `a.subject_id = ${p}::uuid`, q.subjectId);
    if (q.minAgeHours !== undefined) add((p) => `a.opened_at <= now() - interval '1 hour' * ${p}::float8`, q.minAgeHours);
    if (q.maxAgeHours !== undefined) add((p) => `a.opened_at >= now() - interval '1 hour' * ${p}::float8`, q.maxAgeHours);
    if (q.after) {
      const c = decodeCursor(q.after);
      params.push(c.openedUs, c.id);
      where.push(`(a.opened_at, a.id) < ('epoch'::timestamptz + $${params.length - 1}::bigint * interval '1 microsecond', $${params.length}::uuid)`);
    }
    params.push(limit + 1);
    const rows = (await this.db.query(
      `SELECT a.*, (extract(epoch FROM a.opened_at) * 1000000)::bigint::text AS opened_us
         FROM alerts a WHERE ${where.join(' AND ')}
        ORDER BY a.opened_at DESC, a.id DESC LIMIT $${params.length}`,
      params,
    )) as (AlertRow & { opened_us: string })[];
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return { alerts: page.map(toAlertView), next: rows.length > limit && last ? encodeCursor(last.opened_us, last.id) : null };
  }

  async get(id: string): Promise<AlertView> {
    const [row] = (await this.db.query(`SELECT * FROM alerts WHERE id = $1`, [id])) as AlertRow[];
    if (!row) throw new DomainException('NOT_FOUND');
    return toAlertView(row);
  }

  async acknowledge(actor: Actor, id: string): Promise<AlertView> {
    return this.triage(actor, id, ['open'], 'acknowledged', `status = 'acknowledged', acknowledged_at = now(), acknowledged_by = $2`, []);
  }

  async resolve(actor: Actor, id: string, note: string): Promise<AlertView> {
    return this.triage(
      actor,
      id,
      ['open', 'acknowledged'],
      'resolved',
      `status = 'resolved', resolved_at = now(), resolved_by = $2, resolution_note = $3, resolved_automatically = false`,
      [note],
    );
  }

  private async triage(
    actor: Actor,
    id: string,
    from: AlertRow['status'][],
    change: 'acknowledged' | 'resolved',
    set: string,
    extra: unknown[],
  ): Promise<AlertView> {
    const { alert, deliveries } = await this.db.transaction(async (m) => {
      const [found] = (await m.query(`SELECT rule FROM alerts WHERE id = $1`, [id])) as { rule: string }[];
      if (!found) throw new DomainException('NOT_FOUND');
      await lockRule(m, found.rule);
      const [current] = (await m.query(`SELECT * FROM alerts WHERE id = $1 FOR UPDATE`, [id])) as AlertRow[];
      if (!from.includes(current.status)) {
        throw new DomainException('ALERT_WRONG_STATUS', { status: current.status, expected: from.join(' / ') }, { status: current.status, expected: from });
      }
      const [updated] = await updateReturning<AlertRow>(m, `UPDATE alerts SET ${set}, updated_at = now() WHERE id = $1 RETURNING *`, [id, actor.userId, ...extra]);
      const ids = await this.recorder.record(m, [{ change, alert: updated }], { organisationId: actor.organisationId, userId: actor.userId });
      return { alert: updated, deliveries: ids };
    });
    await this.webhooks.dispatch(deliveries);
    return toAlertView(alert);
  }
}
