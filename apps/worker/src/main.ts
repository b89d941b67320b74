import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { ConfigError, loadConfig } from '@app/config';
import { WorkerModule } from './worker.module';

/**
 * The worker has no HTTP API: BullMQ processors and schedulers, plus a health port. On SIGTERM
 * Nest's shutdown hooks close the BullMQ workers (active jobs finish or their locks are released
 * for another worker) and then the connections.
 */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const app = await NestFactory.createApplicationContext(WorkerModule.register(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.init();
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? error.message : `Worker failed to start: ${(error as Error).message}`;
  process.stderr.write(JSON.stringify({ level: 'fatal', app: 'worker', msg: message }) + '\n');
  process.exit(1);
});
