import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express from 'express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AppConfig } from '@app/config';
import { requestIdMiddleware } from '@app/errors';
import { AppModule } from './app.module';
import { mountOpenApi } from './openapi';
import { mountQueuesDashboard } from './queues-dashboard';

export const API_PREFIX = 'api/v1';

/** Builds the HTTP app exactly as production runs it; tests call this too. */
export async function createApiApp(config: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config), {
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  app.set('trust proxy', 'loopback');
  // The request id comes first so that even a body the parser rejects is answered with one.
  app.use(requestIdMiddleware);
  app.use(
    helmet({
      // The Swagger UI needs inline styles and scripts; the API itself serves JSON only.
      contentSecurityPolicy: false,
    }),
  );
  app.use(express.json({ limit: config.bodyLimit }));
  app.setGlobalPrefix(API_PREFIX);
  mountOpenApi(app);
  mountQueuesDashboard(app);
  await app.init();
  return app;
}
