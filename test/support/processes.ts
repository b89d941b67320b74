import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The real processes, as production runs them: the API and the worker spawned with ts-node from
 * their `main.ts`, and private Redis servers. Used by the fault suite (test/faults), where a case
 * kills and restarts processes; every child is remembered so that `stopAll()` leaves nothing behind.
 */

const ROOT = resolve(__dirname, '..', '..');
const TS_NODE = ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register'];
/** The key file the in-process test apps use too, so labels signed anywhere in a run verify everywhere. */
export const TEST_KEY_FILE = join(tmpdir(), 'wasteledger-test-key.pem');

const live = new Set<Managed>();

/** A port nobody listens on right now (the OS picks it; it is released before use). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** A unique BullMQ key prefix, so cases sharing a Redis never see each other's jobs. */
export const uniquePrefix = (label: string): string => `${label.replace(/[^A-Za-z0-9]/g, '').slice(0, 12)}${randomBytes(4).toString('hex')}`;

export class Managed {
  private lines: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private done = false;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    live.add(this);
    const keep = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) this.lines.push(line);
      if (this.lines.length > 400) this.lines.splice(0, this.lines.length - 400);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolveExit) =>
      child.once('exit', (code, signal) => {
        this.done = true;
        live.delete(this);
        resolveExit({ code, signal });
      }),
    );
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return !this.done;
  }

  /** The last lines the process wrote (stdout and stderr), for failure messages. */
  output(last = 60): string {
    return this.lines.slice(-last).join('\n');
  }

  /** Lines that parse as pino JSON at level >= 50 (error, fatal). */
  errorLines(): string[] {
    return this.lines.filter((l) => /"level":(5\d|60)/.test(l));
  }

  /** Sends the signal and waits for the process to be gone. */
  async kill(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000): Promise<void> {
    if (this.done) return;
    this.child.kill(signal);
    const timedOut = await Promise.race([this.exited.then(() => false), sleep(timeoutMs).then(() => true)]);
    if (timedOut && !this.done) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }
}

/** Kills every child still running (afterAll of each fault file). */
export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((p) => p.kill('SIGKILL')));
}

async function waitFor(what: string, proc: Managed, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!proc.running) throw new Error(`${what} exited before it was ready:\n${proc.output()}`);
    if (await probe().catch(() => false)) return;
    await sleep(150);
  }
  throw new Error(`${what} not ready after ${timeoutMs} ms:\n${proc.output()}`);
}

export interface AppEnv {
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  /** Anything else (e.g. LOG_LEVEL), added last. */
  env?: Record<string, string>;
}

function childEnv(app: AppEnv, extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'test',
    DATABASE_URL: app.databaseUrl,
    REDIS_URL: app.redisUrl,
    QUEUE_PREFIX: app.queuePrefix,
    LEDGER_KEY_FILE: TEST_KEY_FILE,
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '1000000',
    TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
    ...extra,
    ...app.env,
  };
}

function spawnTs(name: string, entry: string, env: NodeJS.ProcessEnv): Managed {
  const child = spawn(process.execPath, [...TS_NODE, entry], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Managed(name, child);
}

export interface ApiProcess extends Managed {
  port: number;
  /** http://127.0.0.1:<port> */
  base: string;
}

/** The API process (apps/api/src/main.ts), ready when /api/v1/health answers at all (200 or 503). */
export async function spawnApi(app: AppEnv & { port?: number }, timeoutMs = 60_000): Promise<ApiProcess> {
  const port = app.port ?? (await freePort());
  const proc = spawnTs('api', 'apps/api/src/main.ts', childEnv(app, { PORT: String(port), WORKER_HEALTH_PORT: '0' })) as ApiProcess;
  Object.assign(proc, { port, base: `http://127.0.0.1:${port}` });
  await waitFor('api', proc, async () => (await fetch(`${proc.base}/api/v1/health`, { signal: AbortSignal.timeout(3_000) })).status > 0, timeoutMs);
  return proc;
}

export interface WorkerProcess extends Managed {
  healthPort: number;
}

/** The worker process (apps/worker/src/main.ts), ready when its health port answers. */
export async function spawnWorker(app: AppEnv & { healthPort?: number }, timeoutMs = 60_000): Promise<WorkerProcess> {
  const healthPort = app.healthPort ?? (await freePort());
  const proc = spawnTs('worker', 'apps/worker/src/main.ts', childEnv(app, { WORKER_HEALTH_PORT: String(healthPort) })) as WorkerProcess;
  Object.assign(proc, { healthPort });
  await waitFor('worker', proc, async () => (await fetch(`http://127.0.0.1:${healthPort}/health`, { signal: AbortSignal.timeout(3_000) })).status > 0, timeoutMs);
  return proc;
}

export interface RedisProcess {
  port: number;
  url: string;
  current: Managed | null;
  /** Starts (or restarts) the server on the same port; resolves when it answers PING. */
  start: () => Promise<void>;
  /** SIGKILL: the server vanishes as in a crash, with no goodbye to its clients. */
  crash: () => Promise<void>;
}

async function redisPing(port: number): Promise<boolean> {
  const { Socket } = await import('node:net');
  return new Promise((resolvePing) => {
    const socket = new Socket();
    const finish = (ok: boolean): void => {
      socket.destroy();
      resolvePing(ok);
    };
    socket.setTimeout(1_000, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('data', (d) => finish(d.toString().startsWith('+PONG')));
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
  });
}

/**
 * A private Redis server for one case (never the machine's shared one on 6379, which other tests
 * use): no persistence, so a restart starts empty, as after losing a cache node.
 */
export async function privateRedis(port?: number): Promise<RedisProcess> {
  const p = port ?? (await freePort());
  const redis: RedisProcess = {
    port: p,
    url: `redis://127.0.0.1:${p}`,
    current: null,
    start: async () => {
      const child = spawn('redis-server', ['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const proc = new Managed(`redis:${p}`, child);
      redis.current = proc;
      await waitFor(`redis on ${p}`, proc, () => redisPing(p), 10_000);
    },
    crash: async () => {
      await redis.current?.kill('SIGKILL');
      redis.current = null;
    },
  };
  await redis.start();
  return redis;
}
