import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AlertRow } from '../alerts/alert-row';
import { RuleDefinition } from '../rules/rule-registry';
import { SqlScope, VIOLATIONS } from '../rules/rule-sql';
import { thresholdCte } from '../rules/thresholds';
import { AlertChange, AlertChangeKind } from './alert-recorder.service';

/** Which subjects to evaluate: these ids (of the rule's subject type), or all of them. */
export type EvaluationScope = { ids: readonly string[] } | 'all';

export interface EvaluationContext {
  source: 'event' | 'sweep';
  /** The last ledger seq the incremental path had read (for tracing an alert back to its events). */
  triggerSeq?: string | null;
}

/** Namespace of the per-rule advisory locks (the other key is the rule code's hash). */
const RULE_LOCK_NAMESPACE = 0x7265636f; // 'reco'

/**
 * Serialises, per rule, everything that decides whether an alert is open: evaluations (sweeps and the
 * drain) and a regulator's triage. Held until the transaction ends, so the next statement to look at
 * the rule sees what the previous one committed (without it, an evaluation whose snapshot predates a
 * resolution would find the alert's slot free and open it again).
 */
export async function lockRule(m: EntityManager, rule: string): Promise<void> {
  await m.query(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [RULE_LOCK_NAMESPACE, rule]);
}

/**
 * Evaluates one rule over a scope in one statement, inside the caller's transaction, and returns
 * what changed. The statement computes the rule's current truth (rule-sql.ts) and reconciles the
 * alerts with it:
 *
 *   - a violation with no alert that is not resolved opens one (INSERT … ON CONFLICT DO NOTHING on
 *     the unique partial index, so a retried or concurrent evaluation cannot duplicate it), unless a
 *     regulator already resolved that very occurrence (same fingerprint);
 *   - a violation whose occurrence changed refreshes the open alert;
 *   - an alert whose violation is gone resolves itself (rules with autoResolve).
 *
 * A transaction-scoped advisory lock per rule (lockRule) serialises evaluations of one rule and
 * triage of its alerts, so none can reopen what another has just seen clear or a regulator resolve.
 */
@Injectable()
export class RuleEvaluator {
  async evaluate(m: EntityManager, rule: RuleDefinition, scope: EvaluationScope, context: EvaluationContext): Promise<AlertChange[]> {
    if (scope !== 'all' && scope.ids.length === 0) return [];
    // These statements are index-driven and short; compiling them (JIT) would cost more than running them.
    await m.query(`SET LOCAL jit = off`);
    await lockRule(m, rule.code);
    const params: unknown[] = [context.source, context.triggerSeq ?? null];
    let sqlScope: SqlScope;
    if (scope === 'all') {
      sqlScope = { whole: true, where: () => 'true' };
    } else {
      params.push([...new Set(scope.ids)]);
      sqlScope = { whole: false, where: (column) => `${column} = ANY($3::uuid[])` };
    }
    const code = `'${rule.code}'`;
    const resolve = rule.autoResolve
      ? `, cleared AS (
          UPDATE alerts a SET status = 'resolved', resolved_at = now(), resolved_automatically = true, updated_at = now()
           WHERE a.rule = ${code} AND a.status <> 'resolved' AND ${sqlScope.where('a.subject_id')}
             AND NOT EXISTS (SELECT 1 FROM vd WHERE vd.subject_id = a.subject_id)
          RETURNING a.*)`
      : '';
    const sql = `
      WITH ${thresholdCte(rule)},
      v AS (${VIOLATIONS[rule.code](sqlScope)}),
      vd AS (SELECT DISTINCT ON (subject_id) * FROM v WHERE organisation_id IS NOT NULL ORDER BY subject_id, fingerprint),
      opened AS (
        INSERT INTO alerts (rule, severity, subject_type, subject_id, organisation_id, division_code, party_ids, region_keys,
                            fingerprint, details, source, trigger_seq)
        SELECT ${code}, '${rule.severity}', '${rule.subjectType}', vd.subject_id, vd.organisation_id, vd.division_code,
               ARRAY(SELECT DISTINCT p FROM unnest(vd.party_ids || vd.organisation_id) AS p WHERE p IS NOT NULL),
               division_keys(vd.divisions || vd.division_code), vd.fingerprint, vd.details, $1, $2::bigint
          FROM vd
         WHERE NOT EXISTS (SELECT 1 FROM alerts s
                            WHERE s.rule = ${code} AND s.subject_id = vd.subject_id AND s.status = 'resolved'
                              AND NOT s.resolved_automatically AND s.fingerprint = vd.fingerprint)
        ON CONFLICT (rule, subject_id) WHERE status <> 'resolved' DO NOTHING
        RETURNING *
      ),
      refreshed AS (
        UPDATE alerts a SET fingerprint = vd.fingerprint, details = vd.details, updated_at = now()
          FROM vd
         WHERE a.rule = ${code} AND a.subject_id = vd.subject_id AND a.status <> 'resolved' AND a.fingerprint <> vd.fingerprint
        RETURNING a.*
      )${resolve}
      SELECT 'opened' AS change, o.* FROM opened o
      UNION ALL SELECT 'updated', r.* FROM refreshed r
      ${rule.autoResolve ? `UNION ALL SELECT 'resolved', c.* FROM cleared c` : ''}`;
    const rows = (await m.query(sql, params)) as (AlertRow & { change: AlertChangeKind })[];
    return rows.map(({ change, ...alert }) => ({ change, alert }));
  }
}
