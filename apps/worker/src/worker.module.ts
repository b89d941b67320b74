import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig, ConfigModule, loggerOptions } from '@app/config';
import { DatabaseModule } from '@app/database';
import { HealthModule } from '@app/health';
import { LedgerWorkerModule } from '@app/ledger';
import { QueueModule } from '@app/queue';
import { ReconciliationWorkerModule } from '@app/reconciliation';

import { HealthServer } from './health-server';

@Module({})
export class WorkerModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerOptions(config, 'worker')),
        DatabaseModule.forRoot(config, 'wasteledger-worker'),
        QueueModule.forRoot(config, 'worker'),
        HealthModule,
        LedgerWorkerModule,
        ReconciliationWorkerModule.register(),
      ],
      providers: [HealthServer],
    };
  }
}
