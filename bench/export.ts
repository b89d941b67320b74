import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { Client } from 'pg';
// The export code itself, imported by file rather than through @app/reports: the exporting process
// is measured, and under ts-node the library's index would also compile and load Nest, TypeORM and
// every service (~+90 MB of RSS that has nothing to do with exporting). Set-up modules are loaded
// lazily, by the coordinating process only.
import type { ExportFormat } from '../libs/reports/src/export/export-column';
import { streamLedgerBook } from '../libs/reports/src/ledger-book/ledger-book.stream';

/**
 * `npm run bench -- export`: exports a 台账 of BENCH_EXPORT_ROWS rows (default 1,000,000) as CSV and as
 * XLSX through the same streaming code the API uses (a Postgres cursor → csv-stringify / exceljs's
 * streaming WorkbookWriter) into a sink that counts bytes, sampling the exporting process's RSS every
 * 50 ms. The rows are generated in SQL: one unit whose containers each pass four stages (产生, 入库,
 * 出库, 转移) in one year. Target: peak RSS under 300 MB whatever the row count.
 *
 * This process creates the database (BENCH_DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/wasteledger_bench_export, dropped and re-created), migrates,
 * seeds and generates; each export then runs in a child process of its own (`--export <format>`), so
 * that what is measured is an exporting process and not the set-up's libraries.
 */

const ROWS = Number(process.env.BENCH_EXPORT_ROWS ?? 1_000_000);
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/wasteledger_bench_export';
const STAGES_PER_CONTAINER = 4;
const CONTAINERS_PER_MANIFEST = 100;
const YEAR = new Date().getUTCFullYear() - 1;
const SAMPLE_MS = 50;

const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

interface ExportMeasurement {
  rows: number;
  seconds: number;
  bytes: number;
  baselineRss: number;
  peakRss: number;
}

// ---------------------------------------------------------------------------------------------
// The exporting child.

class CountingSink extends Writable {
  bytes = 0;
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.bytes += chunk.length;
    callback();
  }
}

async function exportInChild(format: ExportFormat, organisationId: string): Promise<void> {
  const baselineRss = process.memoryUsage().rss;
  let peakRss = baselineRss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, SAMPLE_MS);
  const client = new Client({ connectionString: DATABASE_URL, application_name: `bench-export-${format}` });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL statement_timeout = 0`);
    const sink = new CountingSink();
    const started = process.hrtime.bigint();
    const from = `${YEAR}-01-01`;
    const to = `${YEAR}-12-31`;
    const rows = await streamLedgerBook(client, sink, {
      organisationId,
      organisationName: '西永示范精密制造有限公司',
      period: { from, to, start: new Date(`${from}T00:00:00+08:00`), end: new Date(`${YEAR + 1}-01-01T00:00:00+08:00`) },
      format,
      // Where the API appends the export's ledger event and commits.
      beforeEnd: async () => {
        await client.query('COMMIT');
      },
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const result: ExportMeasurement = { rows, seconds, bytes: sink.bytes, baselineRss, peakRss };
    log(`CHILD ${JSON.stringify(result)}`);
  } finally {
    clearInterval(sampler);
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------
// The coordinating process.

async function freshDatabase(url: string): Promise<void> {
  const { DataSource } = await import('typeorm');
  const { dataSourceOptions, ensureDatabase } = await import('@app/database');
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${new URL(url).pathname.slice(1)}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
  await ensureDatabase(url);
  const ds = new DataSource({ ...dataSourceOptions(url, { applicationName: 'bench-export' }), entities: [] });
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await ds.destroy();
  }
}

interface Parties {
  factory: string;
  factoryUscc: string;
  factoryFacility: string;
  receiver: string;
  carrier: string;
  vehicle: string;
}

/** One unit's year: containers spread over it, each stored, taken out and shipped on a manifest of 100. */
async function generate(client: Client, containers: number, p: Parties): Promise<void> {
  const manifests = Math.ceil(containers / CONTAINERS_PER_MANIFEST);
  const start = `${YEAR}-01-01T00:00:00+08:00`;
  const spacing = `${Math.max(1, Math.floor((340 * 86_400) / containers))} seconds`;
  const manifestId = (n: string): string => `(lpad(to_hex(${n}), 8, '0') || '-0000-4000-8000-000000000000')::uuid`;
  await client.query('BEGIN');
  await client.query(`SET LOCAL statement_timeout = 0`);
  await client.query(`SET LOCAL synchronous_commit = off`);
  await client.query(
    `INSERT INTO manifests (id, number, generator_id, receiver_id, kind, status, planned_start, planned_end, submitted_at, departed_at,
                            arrived_at, accepted_at, confirm_deadline, confirmed_at, completed_at)
     SELECT ${manifestId('n')}, '${YEAR}5001' || lpad(n::text, 6, '0'), $1, $2, 'hazardous', 'completed',
            t, t + interval '4 hours', t, t, t + interval '3 hours', t + interval '4 hours', (t + interval '7 days')::date, t + interval '1 day', t + interval '2 days'
       FROM generate_series(1, $3::int) AS n,
            LATERAL (SELECT $4::timestamptz + (n - 1) * $5::interval * ${CONTAINERS_PER_MANIFEST} + interval '2 days' AS t) AS x`,
    [p.factory, p.receiver, manifests, start, spacing],
  );
  await client.query(`INSERT INTO manifest_legs (manifest_id, leg_no, carrier_id, vehicle_id) SELECT id, 1, $1, $2 FROM manifests`, [p.carrier, p.vehicle]);
  await client.query(
    `INSERT INTO containers (id, code, organisation_id, holder_id, waste_code, is_medical, waste_name, components, physical_form, hazard_codes,
                             container_type, volume_litres, net_weight_kg, generated_at, status, created_at, updated_at)
     SELECT (lpad(to_hex(g), 8, '0') || '-0000-4000-9000-000000000000')::uuid,
            $2 || '90021408' || to_char(t AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || lpad(g::text, 7, '0'),
            $1, $3, '900-214-08', false, '废矿物油', '矿物油', 'liquid', ARRAY['T','I'], 'drum', 200, 150 + (g % 50), t, 'disposed', t, t
       FROM generate_series(1, $4::int) AS g, LATERAL (SELECT $5::timestamptz + (g - 1) * $6::interval AS t) AS x`,
    [p.factory, p.factoryUscc, p.receiver, containers, start, spacing],
  );
  await client.query(
    `INSERT INTO storage_stays (container_id, facility_id, in_at, out_at)
     SELECT id, $1, generated_at + interval '1 hour', generated_at + interval '1 day' FROM containers WHERE organisation_id = $2`,
    [p.factoryFacility, p.factory],
  );
  // Container g travels on manifest (g - 1) / 100 + 1; both ids encode their number in hex.
  await client.query(
    `INSERT INTO manifest_items (manifest_id, container_id, waste_code, declared_weight_kg, active, current_leg, loaded_at, arrived_at,
                                 received_weight_kg, decision, accepted_kg, refused_kg, decided_at, final_method, final_at)
     SELECT ${manifestId(`(g - 1) / ${CONTAINERS_PER_MANIFEST} + 1`)}, c.id, c.waste_code, c.net_weight_kg,
            false, 1, c.generated_at + interval '2 days', c.generated_at + interval '2 days 3 hours', c.net_weight_kg, 'accepted', c.net_weight_kg, 0,
            c.generated_at + interval '2 days 4 hours', 'C1', c.generated_at + interval '5 days'
       FROM containers c, LATERAL (SELECT ('x' || substr(c.id::text, 1, 8))::bit(32)::int AS g) AS x
      WHERE c.organisation_id = $1`,
    [p.factory],
  );
  await client.query('COMMIT');
  await client.query('ANALYZE');
}

function runChild(format: ExportFormat, organisationId: string): Promise<ExportMeasurement> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', __filename, '--export', format, organisationId], {
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true', BENCH_DATABASE_URL: DATABASE_URL },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('CHILD '));
      if (code !== 0 || !line) return reject(new Error(`the ${format} export exited with ${code}: ${out}`));
      resolve(JSON.parse(line.slice('CHILD '.length)) as ExportMeasurement);
    });
  });
}

async function main(): Promise<void> {
  const { runSeeds } = await import('../seeds/run');
  const { DEMO_ORGS, DEMO_VEHICLES } = await import('../seeds/demo-district');
  const org = (key: string): { id: string; uscc: string } => DEMO_ORGS.find((o) => o.key === key)!;
  const parties: Parties = {
    factory: org('factory').id,
    factoryUscc: org('factory').uscc,
    factoryFacility: '00000000-0000-4000-8000-000000000605',
    receiver: org('cementkiln').id,
    carrier: org('carrier1').id,
    vehicle: DEMO_VEHICLES[0].id,
  };
  const containers = Math.ceil(ROWS / STAGES_PER_CONTAINER);
  const expected = containers * STAGES_PER_CONTAINER;
  const began = Date.now();
  log(`export bench: ${containers} containers × ${STAGES_PER_CONTAINER} stages = ${expected} 台账 rows (${YEAR})`);
  await freshDatabase(DATABASE_URL);
  await runSeeds(DATABASE_URL, { quiet: true });
  const client = new Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    const t0 = Date.now();
    await generate(client, containers, parties);
    log(`generated in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    await client.end();
  }

  const results: Record<string, ExportMeasurement> = {};
  for (const format of ['csv', 'xlsx'] as const) {
    const r = await runChild(format, parties.factory);
    results[format] = r;
    log(
      `${format}: ${r.rows} rows, ${mb(r.bytes)} MB in ${r.seconds.toFixed(1)} s (${Math.round(r.rows / r.seconds)} rows/s); ` +
        `RSS ${mb(r.baselineRss)} MB before, ${mb(r.peakRss)} MB at peak`,
    );
    if (r.rows !== expected) throw new Error(`expected ${expected} rows, the ${format} export wrote ${r.rows}`);
  }
  log(`total ${((Date.now() - began) / 1000).toFixed(0)} s`);
  log(
    `RESULT ${JSON.stringify({
      rows: results.csv.rows,
      csv_rows_per_s: Math.round(results.csv.rows / results.csv.seconds),
      xlsx_rows_per_s: Math.round(results.xlsx.rows / results.xlsx.seconds),
      peak_rss_mb: mb(Math.max(results.csv.peakRss, results.xlsx.peakRss)),
    })}`,
  );
}

const fail = (error: unknown): never => {
  process.stderr.write(`export bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
};

const exportArg = process.argv.indexOf('--export');
if (exportArg > 0) exportInChild(process.argv[exportArg + 1] as ExportFormat, process.argv[exportArg + 2]).catch(fail);
else main().catch(fail);
