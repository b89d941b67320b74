import { DynamicModule, Module } from '@nestjs/common';
import { LedgerModule } from '@app/ledger';
import { LedgerDrain } from './drain/ledger-drain.service';
import { IncrementalEvaluator } from './evaluation/incremental-evaluator.service';
import { DrainWaker } from './jobs/drain-waker.service';
import { LedgerListener } from './jobs/ledger-listener.service';
import { ReconciliationProcessor } from './jobs/reconciliation.processor';
import { ReconciliationScheduler } from './jobs/reconciliation.scheduler';
import { WebhookProcessor } from './jobs/webhook.processor';
import { ReconciliationOverrides } from './reconciliation-options';
import { ReconciliationModule } from './reconciliation.module';
import { SweepService } from './sweep/sweep.service';
import { WebhookSender } from './webhooks/webhook-sender.service';

const PROVIDERS = [
  LedgerDrain,
  IncrementalEvaluator,
  SweepService,
  WebhookSender,
  DrainWaker,
  LedgerListener,
  ReconciliationScheduler,
  ReconciliationProcessor,
  WebhookProcessor,
];
const EXPORTED = [LedgerDrain, SweepService, DrainWaker, WebhookSender];

/**
 * The worker side of reconciliation: the drain of the ledger (woken by NOTIFY through a DrainLedger
 * job, and by a repeatable poll), the sweeps, webhook delivery, and their schedules. Import
 * `ReconciliationWorkerModule.register()` in the worker app only, next to the global
 * QueueModule.forRoot(config, 'worker').
 */
@Module({})
export class ReconciliationWorkerModule {
  static register(overrides: ReconciliationOverrides = {}): DynamicModule {
    return {
      module: ReconciliationWorkerModule,
      imports: [LedgerModule, ReconciliationModule.register(overrides)],
      providers: PROVIDERS,
      exports: EXPORTED,
    };
  }
}
