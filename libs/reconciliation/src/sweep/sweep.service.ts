import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AlertRecorder } from '../evaluation/alert-recorder.service';
import { RuleEvaluator } from '../evaluation/rule-evaluator.service';
import { RULES, RULE_LIST, RuleCode, RuleDefinition } from '../rules/rule-registry';
import { WebhookDispatcher } from '../webhooks/webhook-dispatcher.service';

export interface RuleSweepResult {
  rule: RuleCode;
  opened: number;
  updated: number;
  resolved: number;
  ms: number;
}

export interface SweepResult {
  rules: RuleSweepResult[];
  ms: number;
  /** Webhook deliveries re-queued (full sweeps only). */
  requeuedDeliveries: number;
}

/**
 * Sweeps: one rule, or every rule, evaluated over the whole database in set-based SQL (one
 * statement per rule, see RuleEvaluator), each rule in its own transaction with its ledger events.
 * A sweep that crashes half-way has committed whole rules only, and running it again changes
 * nothing that is already right.
 */
@Injectable()
export class SweepService {
  private readonly logger = new Logger(SweepService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly evaluator: RuleEvaluator,
    private readonly recorder: AlertRecorder,
    private readonly webhooks: WebhookDispatcher,
  ) {}

  async sweep(rule?: RuleCode): Promise<SweepResult> {
    const started = Date.now();
    const rules: readonly RuleDefinition[] = rule ? [RULES[rule]] : RULE_LIST;
    const results: RuleSweepResult[] = [];
    for (const r of rules) results.push(await this.sweepRule(r));
    const requeuedDeliveries = rule ? 0 : await this.webhooks.requeuePending();
    const result = { rules: results, ms: Date.now() - started, requeuedDeliveries };
    const changed = results.filter((x) => x.opened + x.updated + x.resolved > 0);
    if (changed.length) this.logger.log({ rules: changed, ms: result.ms }, 'sweep changed alerts');
    return result;
  }

  async sweepRule(rule: RuleDefinition): Promise<RuleSweepResult> {
    const started = Date.now();
    const { changes, deliveries } = await this.db.transaction(async (m) => {
      const found = await this.evaluator.evaluate(m, rule, 'all', { source: 'sweep' });
      return { changes: found, deliveries: await this.recorder.record(m, found) };
    });
    await this.webhooks.dispatch(deliveries);
    const count = (kind: string): number => changes.filter((c) => c.change === kind).length;
    return { rule: rule.code, opened: count('opened'), updated: count('updated'), resolved: count('resolved'), ms: Date.now() - started };
  }
}
