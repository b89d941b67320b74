import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainException } from '@app/errors';
import { LedgerService } from '@app/ledger';
import { Actor } from '@app/parties';
import { JobName, JobQueueService } from '@app/queue';
import { SWEEP_PRIORITY } from '../jobs/reconciliation.scheduler';
import { withTimeout } from '../webhooks/webhook-dispatcher.service';
import { RECONCILIATION_OPTIONS, ReconciliationOptions } from '../reconciliation-options';
import { RULES, RULE_LIST, isRuleCode } from './rule-registry';
import { OverrideView, RuleView } from './rule.dto';
import { thresholdProblems } from './thresholds';
import '../reconciliation.errors';

interface OverrideRow {
  rule: string;
  division_prefix: string;
  params: Record<string, number>;
  updated_at: Date;
}

/** The rule registry as people read it, and the per-district threshold overrides. */
@Injectable()
export class RuleThresholdsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly ledger: LedgerService,
    private readonly queues: JobQueueService,
    @Inject(RECONCILIATION_OPTIONS) private readonly options: ReconciliationOptions,
  ) {}

  async list(): Promise<RuleView[]> {
    const rows = (await this.db.query(`SELECT rule, division_prefix, params, updated_at FROM rule_thresholds ORDER BY rule, division_prefix`)) as OverrideRow[];
    return RULE_LIST.map((r) => ({
      code: r.code,
      domainRule: r.domainRule,
      severity: r.severity,
      subjectType: r.subjectType,
      title: r.title,
      description: r.description,
      incremental: r.incremental,
      timeBased: r.timeBased,
      autoResolve: r.autoResolve,
      thresholds: Object.entries(r.thresholds).map(([name, d]) => ({ name, ...d })),
      overrides: rows
        .filter((o) => o.rule === r.code)
        .map((o): OverrideView => ({ divisionPrefix: o.division_prefix, params: o.params, updatedAt: o.updated_at.toISOString() })),
    }));
  }

  /** Sets the override of one rule for one division prefix, and sweeps the rule so it applies at once. */
  async set(actor: Actor, rule: string, divisionPrefix: string, params: Record<string, unknown>): Promise<RuleView> {
    if (!isRuleCode(rule)) throw new DomainException('RULE_UNKNOWN', { rule });
    const problems = thresholdProblems(RULES[rule], params);
    if (problems.length) throw new DomainException('THRESHOLDS_INVALID', { rule }, problems);
    await this.db.transaction(async (m) => {
      const [row] = (await m.query(
        `INSERT INTO rule_thresholds (rule, division_prefix, params, updated_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT (rule, division_prefix) DO UPDATE SET params = EXCLUDED.params, updated_at = now(), updated_by = EXCLUDED.updated_by
         RETURNING id`,
        [rule, divisionPrefix, JSON.stringify(params), actor.userId],
      )) as { id: string }[];
      await this.ledger.append(m, {
        subjectType: 'rule_threshold',
        subjectId: row.id,
        type: 'rule_threshold.set',
        actor: { organisationId: actor.organisationId, userId: actor.userId },
        payload: { rule, divisionPrefix, params: params as Record<string, number> },
      });
    });
    await withTimeout(this.queues.enqueue(JobName.Sweep, { rule }, { priority: SWEEP_PRIORITY }), this.options.enqueueTimeoutMs);
    return (await this.list()).find((r) => r.code === rule)!;
  }
}
