import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { APP_CONFIG, AppConfig } from '@app/config';
import { pingRedis } from './redis-ping';

/** Postgres and Redis, each reported on its own, for the API's /health and the worker's health port. */
@Injectable()
export class HealthService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
  ) {}

  postgres(): Promise<HealthIndicatorResult> {
    return this.db.pingCheck('postgres', { timeout: 1_500 });
  }

  async redis(): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check('redis');
    try {
      await pingRedis(this.config.redisUrl);
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}
