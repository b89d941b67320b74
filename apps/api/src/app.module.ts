import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig, ConfigModule, loggerOptions } from '@app/config';
import { DatabaseModule } from '@app/database';
import { AllExceptionsFilter, createValidationPipe } from '@app/errors';
import { HealthModule } from '@app/health';
import { AuthGuard, PartiesModule, PolicyGuard, TokenThrottlerGuard, WindowThrottlerStorage } from '@app/parties';
import { QueueModule } from '@app/queue';
import { HealthController } from './health/health.controller';
import { AlertsApiModule } from './alerts/alerts-api.module';
import { ContainersApiModule } from './containers/containers-api.module';
import { LedgerApiModule } from './ledger/ledger-api.module';
import { ManifestsApiModule } from './manifests/manifests-api.module';
import { PartiesApiModule } from './parties/parties-api.module';
import { ReportsApiModule } from './reports/reports-api.module';

@Module({})
export class AppModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerOptions(config, 'api')),
        DatabaseModule.forRoot(config, 'wasteledger-api'),
        QueueModule.forRoot(config, 'producer'),
        ThrottlerModule.forRoot({ throttlers: [{ ttl: 60_000, limit: config.rateLimitPerMinute }], storage: new WindowThrottlerStorage() }),
        HealthModule,
        PartiesModule,
        PartiesApiModule,
        ContainersApiModule,
        ManifestsApiModule,
        LedgerApiModule,
        AlertsApiModule,
        ReportsApiModule,
      ],
      controllers: [HealthController],
      providers: [
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        // Order matters: who is calling, then how often, then may they.
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: TokenThrottlerGuard },
        { provide: APP_GUARD, useClass: PolicyGuard },
      ],
    };
  }
}
