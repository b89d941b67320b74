/**
 * Ledger verification benchmark.
 *
 *   ts-node -r tsconfig-paths/register --transpile-only bench/ledger-verify.ts [--events 1000000] [--keep] [--reuse]
 *
 * On a database of its own (wasteledger_bench_ledger, re-created each run and dropped after unless
 * --keep; --reuse measures again on a kept one, skipping the build) it appends N events through the real LedgerService, ten per container like a container's
 * life, seals them with the real CheckpointService, and verifies them all with the real
 * VerificationService. In the same run it hashes the very same event preimages in a tight loop:
 * what verification would reach if reading the events cost nothing. The last line is
 *
 *   RESULT {"events":..,"verify_events_per_s":..,"raw_sha256_events_per_s":..,"ratio":..}
 */
import 'reflect-metadata';
import { hash as oneShotHash } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { databaseName, loadConfig, loadSigningKey, verifyingKeys } from '@app/config';
import { dataSourceOptions, ensureDatabase } from '@app/database';
import {
  CheckpointService,
  DEFAULT_LEDGER_OPTIONS,
  LedgerOptions,
  LedgerService,
  NewLedgerEvent,
  VerificationService,
  EVENT_COLUMNS_SQL,
  EventRow,
  encodeEvent,
  toEncodableEvent,
} from '@app/ledger';
import { backendPids, processCpuMs } from './support';

const BENCH_DB = 'wasteledger_bench_ledger';
const EVENTS_PER_SUBJECT = 10;
const APPEND_BATCH = 10_000;

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1].replace(/_/g, '')) : fallback;
}

const log = (line: string): void => void process.stdout.write(`${line}\n`);
const perSecond = (count: number, ms: number): number => Math.round((count / ms) * 1000);

async function dropDatabase(url: string): Promise<void> {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${databaseName(url)}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

function benchUuid(i: number, salt: number): string {
  // Deterministic ids keep runs comparable; only their shape matters to the ledger.
  const hex = (salt * 1_000_003 + i).toString(16).padStart(12, '0').slice(-12);
  return `0000${salt.toString(16).padStart(4, '0')}-0000-4000-8000-${hex}`;
}

/** A container's life: registered, stored, listed, loaded, arrived, ... ~200-byte payloads like the real ones. */
function eventFor(subject: number, step: number, orgs: string[]): NewLedgerEvent {
  const org = orgs[subject % orgs.length];
  return {
    subjectType: 'container',
    subjectId: benchUuid(subject, 1),
    type: ['container.registered', 'container.stored', 'container.unstored', 'container.listed', 'scan.load', 'scan.handover', 'scan.arrive', 'container.received', 'container.disposed', 'container.closed'][step % 10],
    actor: { organisationId: org, userId: benchUuid(subject % 500, 3), device: `scanner-${subject % 97}` },
    deviceTime: new Date(Date.UTC(2025, 5, 1) + subject * 1000 + step * 60_000),
    payload: {
      code: `91500106MA5U3X5K1X90004149${String(20250601 + (subject % 28)).slice(0, 8)}${String(subject % 1000).padStart(3, '0')}`,
      wasteCode: step % 3 === 0 ? '841-001-01' : '900-041-49',
      weightKg: Math.round(((subject % 997) / 7) * 1000) / 1000,
      facilityId: benchUuid(subject % 50, 4),
      form: 'solid',
      notes: step === 0 ? '感染性废物，已密封' : '',
      step,
    },
  };
}

async function main(): Promise<void> {
  const total = arg('events', 1_000_000);
  const config = loadConfig(process.env);
  const url = new URL(config.databaseUrl);
  url.pathname = `/${BENCH_DB}`;
  const databaseUrl = url.toString();
  log(`ledger-verify: ${total.toLocaleString('en')} events on ${BENCH_DB}`);

  const reuse = process.argv.includes('--reuse') && !(await ensureDatabase(databaseUrl));
  if (!reuse) {
    await dropDatabase(databaseUrl);
    await ensureDatabase(databaseUrl);
  }
  const db = new DataSource({ ...dataSourceOptions(databaseUrl, { poolSize: 4, applicationName: 'wasteledger-bench' }), entities: [] });
  await db.initialize();
  await db.runMigrations({ transaction: 'each' });
  const key = loadSigningKey(config);
  const options: LedgerOptions = { ...DEFAULT_LEDGER_OPTIONS, maxCheckpointsPerRun: 1_000 };
  const ledger = new LedgerService(db);
  const checkpoints = new CheckpointService(db, key, options);
  const verification = new VerificationService(db, verifyingKeys(key, config.ledgerRetiredPublicKeys), options);

  try {
    let appended: number;
    let started: number;
    if (reuse) {
      appended = Number(((await db.query(`SELECT count(*)::text AS n FROM events`)) as { n: string }[])[0].n);
      log(`reusing ${appended.toLocaleString('en')} events`);
    } else {
      // 1. Append through the real append path, in batches like a busy bulk registration.
      const orgs = Array.from({ length: 200 }, (_, i) => benchUuid(i, 2));
      const subjects = Math.ceil(total / EVENTS_PER_SUBJECT);
      appended = 0;
      started = Date.now();
      // Two appends in flight at a time, on disjoint subjects (consecutive batches never share one),
      // as two API replicas would; within a batch, one subject at most once.
      const inFlight = new Set<Promise<void>>();
      for (let batch = 0; appended < total; batch++) {
        const step = Math.floor((batch * APPEND_BATCH) / subjects);
        const first = (batch * APPEND_BATCH) % subjects;
        const size = Math.min(APPEND_BATCH, total - appended, subjects - first);
        const events = Array.from({ length: size }, (_, i) => eventFor(first + i, step, orgs));
        const done: Promise<void> = db.transaction((m) => ledger.appendMany(m, events)).then(() => void inFlight.delete(done));
        inFlight.add(done);
        if (inFlight.size >= 2) await Promise.race(inFlight);
        appended += size;
        if (batch % 20 === 19) log(`  appended ${appended.toLocaleString('en')}`);
      }
      await Promise.all(inFlight);
      const appendMs = Date.now() - started;
      log(`append: ${appended.toLocaleString('en')} events for ${subjects.toLocaleString('en')} subjects in ${(appendMs / 1000).toFixed(1)} s (${perSecond(appended, appendMs).toLocaleString('en')} events/s, batches of ${APPEND_BATCH.toLocaleString('en')})`);

      // 2. Seal, as the worker would after catching up on a backlog.
      started = Date.now();
      const sealed = await checkpoints.sealCheckpoint();
      const sealMs = Date.now() - started;
      log(`seal: ${sealed.sealed.length} checkpoints of ≤${options.maxEventsPerCheckpoint.toLocaleString('en')} in ${(sealMs / 1000).toFixed(1)} s (${perSecond(appended, sealMs).toLocaleString('en')} events/s)`);
      await db.query(`VACUUM ANALYZE events`);
      await db.query(`VACUUM ANALYZE ledger_heads`);
    }

    // 3. The same preimages, rebuilt from the stored rows with the reference encoder (which also
    //    cross-checks it against the database), for the raw SHA-256 loop.
    const preimages = await collectPreimages(db, appended);
    log(`preimages: ${preimages.count.toLocaleString('en')}, ${(preimages.data.length / preimages.count).toFixed(0)} bytes on average`);

    // 4. Rounds of: verify everything through the real code (hashes, chains, checkpoints,
    //    signatures, heads), then hash the same preimages in a tight loop for as long. Measuring
    //    both in the same stretch of time keeps a busy host from favouring either; the round with
    //    the fastest verification is reported.
    const rounds: { verify: number; raw: number }[] = [];
    for (let round = 1; round <= 3; round++) {
      const nodeCpu = process.cpuUsage();
      const pgCpu = await postgresCpuMs(db, BENCH_DB);
      started = Date.now();
      const result = await verification.verifyRange();
      const verifyMs = Date.now() - started;
      const nodeUs = cpuMicros(process.cpuUsage(nodeCpu));
      const pgMs = (await postgresCpuMs(db, BENCH_DB)) - pgCpu;
      if (!result.ok || result.events !== appended) throw new Error(`verification failed: ${JSON.stringify(result)}`);
      const raw = rawHashRate(preimages, verifyMs);
      rounds.push({ verify: perSecond(result.events, verifyMs), raw: raw.perSecond });
      log(
        `round ${round}: verify ${result.events.toLocaleString('en')} events, ${result.checkpoints} checkpoints, heads checked, in ` +
          `${(verifyMs / 1000).toFixed(2)} s (${perSecond(result.events, verifyMs).toLocaleString('en')} events/s); raw SHA-256 ${raw.perSecond.toLocaleString('en')} events/s`,
      );
      // CPU time per event does not depend on what else the host is running, unlike the rates.
      log(
        `         CPU per event: verify ${(nodeUs / result.events).toFixed(2)} µs in Node + ` +
          `${Number.isNaN(pgMs) ? '?' : ((pgMs * 1000) / result.events).toFixed(2)} µs in PostgreSQL; raw SHA-256 ${raw.cpuMicrosPerEvent.toFixed(2)} µs`,
      );
    }
    const best = rounds.reduce((a, b) => (b.verify > a.verify ? b : a));

    // 5. A long story read a page at a time (it appends, so not on a reused database).
    if (!reuse) await storyReads(db, ledger);

    log(`RESULT ${JSON.stringify({ events: appended, verify_events_per_s: best.verify, raw_sha256_events_per_s: best.raw, ratio: Math.round((best.verify / best.raw) * 1000) / 1000 })}`);
  } finally {
    await db.destroy();
    if (!process.argv.includes('--keep')) await dropDatabase(databaseUrl);
  }
}

/** Hashes every preimage, pass after pass, for at least `forMs`. */
function rawHashRate(preimages: { data: Buffer; offsets: Uint32Array; count: number }, forMs: number): { perSecond: number; cpuMicrosPerEvent: number } {
  const { data, offsets, count } = preimages;
  let hashed = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  do {
    // The same primitive and output form verification uses (sha256Latin1): the fastest node:crypto offers.
    for (let i = 0; i < count; i++) oneShotHash('sha256', data.subarray(offsets[i], offsets[i + 1]), 'binary');
    hashed += count;
  } while (performance.now() - started < forMs);
  return { perSecond: perSecond(hashed, performance.now() - started), cpuMicrosPerEvent: cpuMicros(process.cpuUsage(cpu)) / hashed };
}

const cpuMicros = (usage: NodeJS.CpuUsage): number => usage.user + usage.system;

/** CPU time (ms) used so far by the PostgreSQL backends connected to the bench database; NaN where /proc is not readable. */
async function postgresCpuMs(db: DataSource, database: string): Promise<number> {
  const pids = await backendPids((sql, params) => db.query(sql, params) as Promise<{ pid: number }[]>, database);
  return pids.reduce((total, pid) => total + processCpuMs(pid), 0);
}

async function collectPreimages(db: DataSource, count: number): Promise<{ data: Buffer; offsets: Uint32Array; count: number }> {
  const chunks: Buffer[] = [];
  const offsets = new Uint32Array(count + 1);
  let size = 0;
  let n = 0;
  let after = '0';
  for (;;) {
    const rows = (await db.query(`SELECT ${EVENT_COLUMNS_SQL} FROM events WHERE seq > $1 ORDER BY events.seq LIMIT 20000`, [after])) as EventRow[];
    if (rows.length === 0) break;
    for (const r of rows) {
      const preimage = encodeEvent(toEncodableEvent(r));
      if (!oneShotHash('sha256', preimage, 'buffer').equals(r.hash)) throw new Error(`reference encoder disagrees with the stored hash at seq ${r.seq}`);
      chunks.push(preimage);
      offsets[n++] = size;
      size += preimage.length;
    }
    after = rows[rows.length - 1].seq;
  }
  offsets[n] = size;
  return { data: Buffer.concat(chunks, size), offsets, count: n };
}

async function storyReads(db: DataSource, ledger: LedgerService): Promise<void> {
  const orgs = [benchUuid(0, 2)];
  const subject = 9_999_999;
  const length = 5_000;
  for (let i = 0; i < length; i += 1_000) {
    await db.transaction((m) => ledger.appendMany(m, Array.from({ length: 1_000 }, (_, j) => eventFor(subject, i + j, orgs))));
  }
  const times: number[] = [];
  let afterSeq: number | undefined;
  let read = 0;
  for (;;) {
    const started = performance.now();
    const page = await ledger.subjectEvents('container', benchUuid(subject, 1), { afterSeq, limit: 100 });
    times.push(performance.now() - started);
    read += page.events.length;
    if (page.nextAfterSeq === null) break;
    afterSeq = page.nextAfterSeq;
  }
  times.sort((a, b) => a - b);
  const pct = (p: number): string => times[Math.min(times.length - 1, Math.floor(times.length * p))].toFixed(1);
  log(`story: ${read.toLocaleString('en')} events of one subject in ${times.length} pages of 100: p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms per page`);
}

main().catch((error: unknown) => {
  process.stderr.write(`ledger-verify failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
