import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { DomainException } from '@app/errors';
import { HealthService } from '@app/health';
import { Public } from '@app/parties';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly checks: HealthService,
  ) {}

  @Get()
  @Public()
  @HealthCheck()
  @ApiOperation({
    summary: 'Liveness of the API and its dependencies',
    description: 'Reports Postgres and Redis separately. 200 when both are up, 503 when either is down. No token needed.',
  })
  async check() {
    try {
      return await this.health.check([() => this.checks.postgres(), () => this.checks.redis()]);
    } catch (error) {
      // Keep the per-dependency report, inside the one error shape.
      if (error instanceof ServiceUnavailableException) {
        throw new DomainException('SERVICE_UNAVAILABLE', {}, error.getResponse(), { 'Retry-After': '5' });
      }
      throw error;
    }
  }
}
