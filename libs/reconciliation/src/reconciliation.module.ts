import { DynamicModule, Module } from '@nestjs/common';
import { LedgerModule } from '@app/ledger';
import { AlertsService } from './alerts/alerts.service';
import { AlertRecorder } from './evaluation/alert-recorder.service';
import { RuleEvaluator } from './evaluation/rule-evaluator.service';
import { RECONCILIATION_OPTIONS, ReconciliationOverrides, reconciliationOptions } from './reconciliation-options';
import { RuleThresholdsService } from './rules/rule-thresholds.service';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher.service';
import { WebhooksService } from './webhooks/webhooks.service';

const SERVICES = [RuleEvaluator, AlertRecorder, WebhookDispatcher, AlertsService, WebhooksService, RuleThresholdsService];

/**
 * Reconciliation's services for both apps: evaluating rules, recording alert changes, alert triage,
 * webhook subscriptions and threshold overrides. Needs the global ConfigModule and QueueModule and
 * the TypeORM connection. Always imported as `register()`, optionally with tunables: the options
 * then come from one place (a static default beside a dynamic override would give two providers of
 * the options, and Nest does not say which one wins).
 */
@Module({})
export class ReconciliationModule {
  static register(overrides: ReconciliationOverrides = {}): DynamicModule {
    return {
      module: ReconciliationModule,
      imports: [LedgerModule],
      providers: [...SERVICES, { provide: RECONCILIATION_OPTIONS, useValue: reconciliationOptions(overrides) }],
      exports: [...SERVICES, RECONCILIATION_OPTIONS],
    };
  }
}
