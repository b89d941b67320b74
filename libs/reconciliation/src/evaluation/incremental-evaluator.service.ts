import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DirectTouches, expandTouches } from '../drain/touched-subjects';
import { RECONCILIATION_OPTIONS, ReconciliationOptions } from '../reconciliation-options';
import { RULE_LIST } from '../rules/rule-registry';
import { WebhookDispatcher } from '../webhooks/webhook-dispatcher.service';
import { AlertChange, AlertRecorder } from './alert-recorder.service';
import { RuleEvaluator } from './rule-evaluator.service';

/**
 * Re-evaluates every incremental rule for the subjects a batch of events touched, in one
 * transaction with the ledger events and webhook deliveries of what changed.
 */
@Injectable()
export class IncrementalEvaluator {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly evaluator: RuleEvaluator,
    private readonly recorder: AlertRecorder,
    private readonly webhooks: WebhookDispatcher,
    @Inject(RECONCILIATION_OPTIONS) private readonly options: ReconciliationOptions,
  ) {}

  /** Returns the number of alert changes. */
  async evaluateTouches(direct: DirectTouches, triggerSeq: string | null): Promise<number> {
    const chunk = this.options.evaluationChunk;
    const { changes, deliveries } = await this.db.transaction(async (m) => {
      const touched = await expandTouches(m, direct);
      const found: AlertChange[] = [];
      for (const rule of RULE_LIST) {
        if (!rule.incremental) continue;
        const ids = touched[rule.subjectType];
        for (let i = 0; i < ids.length; i += chunk) {
          found.push(...(await this.evaluator.evaluate(m, rule, { ids: ids.slice(i, i + chunk) }, { source: 'event', triggerSeq })));
        }
      }
      return { changes: found, deliveries: await this.recorder.record(m, found) };
    });
    await this.webhooks.dispatch(deliveries);
    return changes.length;
  }
}
