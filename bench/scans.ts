/**
 * `npm run bench -- scans`: custody scans through the running API over loopback, against a
 * baseline measured in the same run: plain single-row INSERTs through `pg` at the same
 * concurrency into a table as wide as `scans`. Also measured, for reference: the request floor (an
 * authenticated GET /api/v1/me at the same concurrency), and the CPU per operation of the load
 * generator, the API and PostgreSQL in every phase.
 */
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { runSeeds } from '../seeds/run';
import { CpuMeter, backendPids, callApi, freshDatabase, percentile, round, startApi } from './support';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const SINGLE_PER_CLIENT = Number(process.env.BENCH_SINGLE_PER_CLIENT ?? 300);
const BATCHES_PER_CLIENT = Number(process.env.BENCH_BATCHES_PER_CLIENT ?? 8);
const BATCH_SIZE = 100;
const BASELINE_PER_CLIENT = Number(process.env.BENCH_BASELINE_PER_CLIENT ?? 1000);
const FLOOR_PER_CLIENT = Number(process.env.BENCH_FLOOR_PER_CLIENT ?? 300);
const PORT = 3917;

const CARRIER = '00000000-0000-4000-8000-000000000107';
const KILN = '00000000-0000-4000-8000-000000000110';
const VEHICLE = '00000000-0000-4000-8000-000000000301';
const call = callApi;

let registered = 0;

/** One submitted manifest per client, with `count` registered drums on it. */
async function prepareManifests(base: string, clients: number, count: number): Promise<{ id: string; labels: string[] }[]> {
  const out: { id: string; labels: string[] }[] = [];
  for (let c = 0; c < clients; c++) {
    const labels: string[] = [];
    const ids: string[] = [];
    for (let done = 0; done < count; done += 500) {
      const n = Math.min(500, count - done);
      const reg = await call(base, 'factory', 'POST', '/api/v1/containers', {
        containers: Array.from({ length: n }, (_, i) => ({
          wasteCode: '900-214-08', wasteName: '废机油', physicalForm: 'liquid', containerType: 'drum', volumeLitres: 200, netWeightKg: 50,
          // Spread over days so the 3-digit daily sequence never runs out.
          generatedAt: new Date(Date.UTC(2025, 0, 1) + Math.floor((registered + i) / 900) * 86_400_000).toISOString(),
        })),
      });
      if (reg.status !== 201) throw new Error(`register: ${reg.status} ${JSON.stringify(reg.json)}`);
      registered += n;
      for (const x of reg.json.containers) {
        labels.push(x.qrPayload);
        ids.push(x.id);
      }
    }
    const draft = await call(base, 'factory', 'POST', '/api/v1/manifests', {
      receiverId: KILN, legs: [{ carrierId: CARRIER, vehicleId: VEHICLE }], containerIds: ids, emergencyMeasures: '围堵、吸附、报告',
      plannedStart: new Date().toISOString(), plannedEnd: new Date(Date.now() + 3_600_000).toISOString(),
    });
    if (draft.status !== 201) throw new Error(`draft: ${draft.status} ${JSON.stringify(draft.json)}`);
    const submit = await call(base, 'factory', 'POST', `/api/v1/manifests/${draft.json.id}/submit`);
    if (submit.status !== 200) throw new Error(`submit: ${submit.status} ${JSON.stringify(submit.json)}`);
    out.push({ id: draft.json.id, labels });
  }
  return out;
}

async function baseline(url: string, meter: CpuMeter): Promise<number> {
  const pool = new Pool({ connectionString: url, max: CONCURRENCY });
  await pool.query(`CREATE TABLE bench_baseline (LIKE scans INCLUDING DEFAULTS)`);
  await Promise.all(Array.from({ length: CONCURRENCY }, () => pool.query('SELECT 1')));
  await meter.begin();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, c) => {
      for (let i = 0; i < BASELINE_PER_CLIENT; i++) {
        await pool.query(
          `INSERT INTO bench_baseline (id, device_id, idempotency_key, kind, manifest_id, container_id, claimed_code, organisation_id, user_id,
                                       device_time, received_at, lat, lng, weight_kg, accepted, outcome_code, outcome_params, request_fingerprint)
           VALUES ($1,$2,$3,'load',$4,$5,$6,$7,$8,now(),now(),29.5,106.4,null,true,'ACCEPTED','{}',$9)`,
          [c * 1_000_000 + i, `dev-${c}`, randomUUID(), randomUUID(), randomUUID(), 'X'.repeat(37), CARRIER, randomUUID(), 'f'.repeat(43)],
        );
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  cpuLine('baseline', await meter.perOperation(CONCURRENCY * BASELINE_PER_CLIENT), 'row');
  await pool.end();
  return (CONCURRENCY * BASELINE_PER_CLIENT) / seconds;
}

/**
 * Brings the planner's statistics up to date, as autovacuum keeps them on a database in use. The
 * database here was empty a minute ago; plans cached while its tables held a few rows would
 * otherwise scan them whole. (ANALYZE also invalidates those cached plans.)
 */
async function analyze(pool: Pool): Promise<void> {
  await pool.query('ANALYZE');
}

function cpuLine(phase: string, perOp: Record<string, number>, unit: string): void {
  process.stdout.write(`  ${phase} CPU per ${unit}: ${Object.entries(perOp).map(([k, us]) => `${k} ${us} µs`).join(', ')}\n`);
}

async function main(): Promise<void> {
  const url = await freshDatabase('wasteledger_bench_scans');
  await runSeeds(url, { quiet: true });
  const api = await startApi({ DATABASE_URL: url, RATE_LIMIT_PER_MINUTE: '10000000', QUEUE_PREFIX: 'benchscans' }, PORT);
  const base = `http://127.0.0.1:${PORT}`;
  const monitor = new Pool({ connectionString: url, max: 1 });
  const meter = new CpuMeter(async () => ({
    client: [process.pid],
    api: api.pid === undefined ? [] : [api.pid],
    postgres: await backendPids((sql, params) => monitor.query(sql, params).then((r) => r.rows as { pid: number }[]), 'wasteledger_bench_scans'),
  }));
  try {
    const baselineRowsPerS = await baseline(url, meter);
    process.stdout.write(`baseline: ${round(baselineRowsPerS)} rows/s\n`);

    // The request floor: an authenticated GET that reads one row, at the same concurrency. What a
    // single scan costs beyond this is the scan itself.
    await meter.begin();
    let t0 = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = 0; i < FLOOR_PER_CLIENT; i++) {
          const r = await call(base, 'carrier1', 'GET', '/api/v1/me');
          if (r.status !== 200) throw new Error(`me: ${r.status}`);
        }
      }),
    );
    const floorPerS = (CONCURRENCY * FLOOR_PER_CLIENT) / ((performance.now() - t0) / 1000);
    cpuLine('floor', await meter.perOperation(CONCURRENCY * FLOOR_PER_CLIENT), 'request');
    process.stdout.write(`floor: ${round(floorPerS)} requests/s (GET /api/v1/me)\n`);

    const singles = await prepareManifests(base, CONCURRENCY, SINGLE_PER_CLIENT);
    await analyze(monitor);
    const latencies: number[] = [];
    await meter.begin();
    t0 = performance.now();
    await Promise.all(
      singles.map(async (m, c) => {
        for (const label of m.labels) {
          const s = performance.now();
          const r = await call(base, 'carrier1', 'POST', '/api/v1/scans', {
            idempotencyKey: randomUUID(), deviceId: `pda-${c}`, kind: 'load', manifestId: m.id, label, deviceTime: new Date().toISOString(),
          });
          latencies.push(performance.now() - s);
          if (r.status !== 201) throw new Error(`scan: ${r.status} ${JSON.stringify(r.json)}`);
        }
      }),
    );
    const singleScansPerS = latencies.length / ((performance.now() - t0) / 1000);
    cpuLine('single', await meter.perOperation(latencies.length), 'scan');
    latencies.sort((a, b) => a - b);
    process.stdout.write(`single: ${round(singleScansPerS)} scans/s, p50 ${round(percentile(latencies, 50))} ms, p99 ${round(percentile(latencies, 99))} ms\n`);

    const batched = await prepareManifests(base, CONCURRENCY, BATCHES_PER_CLIENT * BATCH_SIZE);
    await analyze(monitor);
    const batchLatencies: number[] = [];
    await meter.begin();
    t0 = performance.now();
    await Promise.all(
      batched.map(async (m, c) => {
        for (let b = 0; b < BATCHES_PER_CLIENT; b++) {
          const scans = m.labels.slice(b * BATCH_SIZE, (b + 1) * BATCH_SIZE).map((label) => ({
            idempotencyKey: randomUUID(), deviceId: `pda-batch-${c}`, kind: 'load', manifestId: m.id, label, deviceTime: new Date().toISOString(),
          }));
          const s = performance.now();
          const r = await call(base, 'carrier1', 'POST', '/api/v1/scans/batch', { scans });
          batchLatencies.push(performance.now() - s);
          if (r.status !== 200 || r.json.accepted !== scans.length) throw new Error(`batch: ${r.status} ${JSON.stringify(r.json).slice(0, 500)}`);
        }
      }),
    );
    const batchScansPerS = (CONCURRENCY * BATCHES_PER_CLIENT * BATCH_SIZE) / ((performance.now() - t0) / 1000);
    cpuLine('batch', await meter.perOperation(CONCURRENCY * BATCHES_PER_CLIENT * BATCH_SIZE), 'scan');
    batchLatencies.sort((a, b) => a - b);
    process.stdout.write(`batch: ${round(batchScansPerS)} scans/s, p50 ${round(percentile(batchLatencies, 50))} ms per batch of ${BATCH_SIZE}\n`);

    const result = {
      baseline_rows_per_s: round(baselineRowsPerS),
      single_scans_per_s: round(singleScansPerS),
      batch_scans_per_s: round(batchScansPerS),
      single_ratio: round(singleScansPerS / baselineRowsPerS, 3),
      batch_ratio: round(batchScansPerS / baselineRowsPerS, 3),
      single_p50_ms: round(percentile(latencies, 50)),
      single_p95_ms: round(percentile(latencies, 95)),
      single_p99_ms: round(percentile(latencies, 99)),
      batch_p99_ms: round(percentile(batchLatencies, 99)),
      floor_requests_per_s: round(floorPerS),
    };
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  } finally {
    await monitor.end();
    api.kill('SIGTERM');
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
