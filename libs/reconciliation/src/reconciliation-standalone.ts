import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig, ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { QueueModule } from '@app/queue';
import { ReconciliationOverrides } from './reconciliation-options';
import { ReconciliationWorkerModule } from './reconciliation-worker.module';

/**
 * An application context running reconciliation alone, as the worker app does but without its other
 * jobs: for the benchmark, end-to-end tests, and one-off catch-up runs against a database.
 */
export async function startReconciliationWorker(config: AppConfig, overrides: ReconciliationOverrides = {}): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(
    {
      module: class ReconciliationStandaloneModule {},
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(config, 'wasteledger-reconcile'),
        QueueModule.forRoot(config, 'worker'),
        ReconciliationWorkerModule.register(overrides),
      ],
    },
    { logger: config.logLevel === 'silent' ? false : ['error', 'warn'] },
  );
  await app.init();
  return app;
}
