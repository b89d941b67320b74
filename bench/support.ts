import { spawn, ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions, ensureDatabase } from '@app/database';
import { DEMO_USERS } from '../seeds/demo-district';

export const ROOT = join(__dirname, '..');

/** A database of the benchmark's own, dropped and migrated afresh. */
export async function freshDatabase(name: string, adminUrl = 'postgres://postgres@127.0.0.1:5432/postgres'): Promise<string> {
  const admin = new DataSource({ type: 'postgres', url: adminUrl });
  await admin.initialize();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.destroy();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  await ensureDatabase(url.toString());
  const ds = new DataSource({ ...dataSourceOptions(url.toString()), entities: [] });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();
  return url.toString();
}

/** Starts the API as its own process (so the load generator does not share its event loop). */
export async function startApi(env: Record<string, string>, port: number): Promise<ChildProcess> {
  const extra = process.env.BENCH_API_NODE_ARGS ? process.env.BENCH_API_NODE_ARGS.split(' ') : [];
  // The compiled API when BENCH_COMPILED is set (what production runs), otherwise from source.
  const entry = process.env.BENCH_COMPILED ? ['dist/apps/api/src/main.js'] : ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/api/src/main.ts'];
  const child = spawn(process.execPath, [...extra, ...entry], {
    cwd: ROOT,
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true', PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
      if (res.ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  child.kill('SIGKILL');
  throw new Error('API did not start within 60 s');
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** CPU time (user + system, ms) a process has used so far, from /proc; NaN where /proc is not readable. */
export function processCpuMs(pid: number): number {
  try {
    // Fields 14 and 15 (utime, stime, in ticks of 1/100 s), counted after the ")" that ends the command name.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/** The pids of the PostgreSQL backends connected to `database` (the database runs on this host here). */
export async function backendPids(query: (sql: string, params: unknown[]) => Promise<{ pid: number }[]>, database: string): Promise<number[]> {
  return (await query(`SELECT pid FROM pg_stat_activity WHERE datname = $1`, [database])).map((r) => r.pid);
}

/**
 * Where a phase's CPU went: this process (the load generator), the API process, and the database
 * backends. Rates depend on what else the host runs; CPU per operation much less so.
 */
export class CpuMeter {
  private start = new Map<string, number>();

  /** `sources`: the pids to count, by name, asked afresh at each sample (backends come and go). */
  constructor(private readonly sources: () => Promise<Record<string, number[]>>) {}

  async begin(): Promise<void> {
    this.start = await this.sample();
  }

  /** µs of CPU per operation since begin(), by source. A pid first seen at the end counts whole. */
  async perOperation(operations: number): Promise<Record<string, number>> {
    const totals: Record<string, number> = {};
    for (const [key, ms] of await this.sample()) {
      const name = key.slice(0, key.indexOf(':'));
      totals[name] = (totals[name] ?? 0) + ms - (this.start.get(key) ?? 0);
    }
    for (const name of Object.keys(totals)) totals[name] = round((totals[name] * 1000) / operations, 0);
    return totals;
  }

  private async sample(): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const [name, pids] of Object.entries(await this.sources())) {
      for (const pid of pids) {
        const ms = processCpuMs(pid);
        if (!Number.isNaN(ms)) out.set(`${name}:${pid}`, ms);
      }
    }
    return out;
  }
}

// Kept-alive sockets, one per client at most: what a fleet of scanners with persistent connections looks like.
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

/** A demo organisation's admin token (seeds/demo-district.ts). */
export const demoToken = (orgKey: string): string => DEMO_USERS.find((u) => u.orgKey === orgKey && u.role === 'admin')!.token;

/**
 * A JSON call as a demo organisation's admin, over node:http with kept-alive sockets. (fetch costs
 * the load generator about a millisecond of CPU per request, which on a small host is CPU the API
 * under test does not get.)
 */
export function callApi(base: string, orgKey: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}${path}`,
      {
        method,
        agent,
        headers: {
          authorization: `Bearer ${demoToken(orgKey)}`,
          ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: res.statusCode ?? 0, json: text.length ? JSON.parse(text) : null });
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
