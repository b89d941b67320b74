import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createServer, Server } from 'node:http';
import { APP_CONFIG, AppConfig } from '@app/config';
import { HealthService } from '@app/health';

/** The worker's only listening port: GET /health, Postgres and Redis reported separately. */
@Injectable()
export class HealthServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(HealthServer.name);
  private server?: Server;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly health: HealthService,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.workerHealthPort === 0) return;
    this.server = createServer((req, res) => {
      if (req.method !== 'GET' || req.url !== '/health') {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":"ROUTE_NOT_FOUND"}}');
        return;
      }
      void Promise.all([this.health.postgres().catch(() => ({ postgres: { status: 'down' } })), this.health.redis()]).then(
        ([pg, redis]) => {
          const info = { ...pg, ...redis };
          const ok = Object.values(info).every((v) => v.status === 'up');
          res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: ok ? 'ok' : 'error', info }));
        },
      );
    });
    this.server.listen(this.config.workerHealthPort, '0.0.0.0');
    this.logger.log(`health on :${this.config.workerHealthPort}/health`);
  }

  onApplicationShutdown(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
