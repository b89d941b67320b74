import type { NestExpressApplication } from '@nestjs/platform-express';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppConfig, loadConfig } from '@app/config';
import { createApiApp } from '../../apps/api/src/bootstrap';
import { cloneTemplate } from './databases';

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  db: DataSource;
  http: () => ReturnType<typeof request>;
  close: () => Promise<void>;
}

/** Test configuration: its own database and queue prefix, the shared test key file. */
export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  return loadConfig({
    NODE_ENV: 'test',
    LEDGER_KEY_FILE: join(tmpdir(), 'wasteledger-test-key.pem'),
    QUEUE_PREFIX: `t${randomBytes(4).toString('hex')}`,
    WORKER_HEALTH_PORT: '0',
    ...overrides,
  });
}

/** The real API, as production builds it, on a database of its own cloned from the template. */
export async function startTestApp(label: string, overrides: Record<string, string> = {}): Promise<TestApp> {
  const database = await cloneTemplate(label);
  const config = testConfig({ DATABASE_URL: database.url, ...overrides });
  const app = await createApiApp(config);
  const db = app.get(DataSource);
  return {
    app,
    config,
    db,
    http: () => request(app.getHttpServer()),
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}
