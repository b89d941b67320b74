import 'reflect-metadata';
import { ConfigError, loadConfig } from '@app/config';
import { createApiApp } from './bootstrap';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const app = await createApiApp(config);
  await app.listen(config.port);
}

main().catch((error: unknown) => {
  // Boot failures go to stderr as one JSON line, naming the variable for configuration errors.
  const message = error instanceof ConfigError ? error.message : `API failed to start: ${(error as Error).message}`;
  process.stderr.write(JSON.stringify({ level: 'fatal', app: 'api', msg: message }) + '\n');
  process.exit(1);
});
