import { Module } from '@nestjs/common';
import { ReconciliationModule } from '@app/reconciliation';
import { AlertRulesController } from './alert-rules.controller';
import { AlertsController } from './alerts.controller';
import { WebhooksController } from './webhooks.controller';

/** HTTP surface of reconciliation: alerts, their triage, webhook subscriptions and the rules. */
@Module({
  imports: [ReconciliationModule.register()],
  controllers: [AlertsController, WebhooksController, AlertRulesController],
})
export class AlertsApiModule {}
