import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { LedgerActor, LedgerService, NewLedgerEvent } from '@app/ledger';
import { AlertRow, toAlertView } from '../alerts/alert-row';

export type AlertChangeKind = 'opened' | 'updated' | 'acknowledged' | 'resolved';

export interface AlertChange {
  change: AlertChangeKind;
  /** The alert as it is after the change. */
  alert: AlertRow;
}

/** The steps subscribers hear about (a refreshed occurrence is recorded, not announced). */
const ANNOUNCED: Partial<Record<AlertChangeKind, string>> = {
  opened: 'alert.opened',
  acknowledged: 'alert.acknowledged',
  resolved: 'alert.resolved',
};

function ledgerPayload(c: AlertChange): Record<string, unknown> {
  const a = c.alert;
  switch (c.change) {
    case 'opened':
      return {
        rule: a.rule,
        severity: a.severity,
        subjectType: a.subject_type,
        subjectId: a.subject_id,
        organisationId: a.organisation_id,
        divisionCode: a.division_code,
        fingerprint: a.fingerprint,
        details: a.details,
        source: a.source,
        triggerSeq: a.trigger_seq,
      };
    case 'updated':
      return { fingerprint: a.fingerprint, details: a.details };
    case 'acknowledged':
      return {};
    case 'resolved':
      return { automatically: a.resolved_automatically === true, note: a.resolution_note };
  }
}

/**
 * Records alert changes where they must go, inside the transaction that made them: one ledger event
 * per step (subject 'alert'), and a webhook delivery per matching subscription. Returns the ids of
 * the new deliveries; the caller hands them to the queue once the transaction has committed.
 */
@Injectable()
export class AlertRecorder {
  constructor(private readonly ledger: LedgerService) {}

  async record(m: EntityManager, changes: AlertChange[], actor: LedgerActor = {}): Promise<string[]> {
    if (!changes.length) return [];
    const events: NewLedgerEvent[] = changes.map((c) => ({
      subjectType: 'alert',
      subjectId: c.alert.id,
      type: `alert.${c.change}`,
      actor,
      payload: ledgerPayload(c),
    }));
    await this.ledger.appendMany(m, events);

    const announced = changes.filter((c) => ANNOUNCED[c.change]);
    if (!announced.length) return [];
    const at = new Date().toISOString();
    const rows = (await m.query(
      `INSERT INTO webhook_deliveries (subscription_id, alert_id, event, payload)
       SELECT s.id, u.alert_id, u.event, u.payload
         FROM unnest($1::uuid[], $2::text[], $3::jsonb[]) AS u(alert_id, event, payload)
         JOIN alerts a ON a.id = u.alert_id
         JOIN webhook_subscriptions s ON s.active
              AND (s.organisation_id = ANY(a.party_ids) OR s.region_keys && a.region_keys)
              AND (s.rules IS NULL OR a.rule = ANY(s.rules))
              AND array_position(ARRAY['low','medium','high','critical'], a.severity)
                  >= array_position(ARRAY['low','medium','high','critical'], s.min_severity)
       ON CONFLICT (subscription_id, alert_id, event) DO NOTHING
       RETURNING id`,
      [
        announced.map((c) => c.alert.id),
        announced.map((c) => ANNOUNCED[c.change]),
        announced.map((c) => JSON.stringify({ event: ANNOUNCED[c.change], occurredAt: at, alert: toAlertView(c.alert) })),
      ],
    )) as { id: string }[];
    return rows.map((r) => r.id);
  }
}
