/**
 * `npm run bench -- labels`: register and label 10,000 containers in batches of 200 through the
 * HTTP API (code allocation, signing and the ledger included), then render print sheets of 100
 * labels as PDF through the API.
 */
import { runSeeds } from '../seeds/run';
import { DEMO_USERS } from '../seeds/demo-district';
import { freshDatabase, percentile, round, startApi } from './support';

const TOTAL = Number(process.env.BENCH_CONTAINERS ?? 10_000);
const BATCH = 200;
const CONCURRENCY = 4;
const PDF_SHEETS = 5;
const PORT = 3918;
const token = DEMO_USERS.find((u) => u.orgKey === 'hospital' && u.role === 'admin')!.token;
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

async function main(): Promise<void> {
  const url = await freshDatabase('wasteledger_bench_labels');
  await runSeeds(url, { quiet: true });
  const api = await startApi({ DATABASE_URL: url, RATE_LIMIT_PER_MINUTE: '10000000', QUEUE_PREFIX: 'benchlabels' }, PORT);
  const base = `http://127.0.0.1:${PORT}/api/v1`;
  try {
    const batches = Math.ceil(TOTAL / BATCH);
    const ids: string[] = [];
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let b = next++; b < batches; b = next++) {
          // Spread over days: the sequence is per unit, waste code and day (999 a day).
          const day = new Date(Date.UTC(2026, 0, 1) + Math.floor((b * BATCH) / 800) * 86_400_000).toISOString();
          const res = await fetch(`${base}/containers`, {
            method: 'POST',
            headers,
            body: JSON.stringify({
              containers: Array.from({ length: Math.min(BATCH, TOTAL - b * BATCH) }, () => ({
                wasteCode: '841-001-01', wasteName: '感染性废物', components: '棉签、纱布', physicalForm: 'solid',
                containerType: 'bag', volumeLitres: 20, netWeightKg: 2.5, generatedAt: day,
              })),
            }),
          });
          const body = (await res.json()) as { containers: { id: string }[] };
          if (res.status !== 201) throw new Error(`register: ${res.status} ${JSON.stringify(body)}`);
          ids.push(...body.containers.map((c) => c.id));
        }
      }),
    );
    const containersPerS = ids.length / ((performance.now() - t0) / 1000);
    process.stdout.write(`registered and signed ${ids.length} containers: ${round(containersPerS)} /s\n`);

    const pdfMs: number[] = [];
    for (let i = 0; i < PDF_SHEETS; i++) {
      const s = performance.now();
      const res = await fetch(`${base}/label-sheets`, { method: 'POST', headers, body: JSON.stringify({ containerIds: ids.slice(i * 100, i * 100 + 100) }) });
      const pdf = Buffer.from(await res.arrayBuffer());
      if (res.status !== 201 || pdf.subarray(0, 4).toString() !== '%PDF') throw new Error(`label sheet: ${res.status}`);
      pdfMs.push(performance.now() - s);
    }
    pdfMs.sort((a, b) => a - b);
    process.stdout.write(`PDF sheet of 100 labels: median ${round(percentile(pdfMs, 50))} ms (first ${round(pdfMs[pdfMs.length - 1])} ms)\n`);
    const result = { containers: ids.length, containers_per_s: round(containersPerS), pdf_ms_per_100_labels: round(percentile(pdfMs, 50)) };
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  } finally {
    api.kill('SIGTERM');
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
