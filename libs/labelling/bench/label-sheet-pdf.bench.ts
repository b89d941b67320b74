import { performance } from 'node:perf_hooks';
import { containerCode, hazardousLabel, signedPayload } from '../src/label-data.fixture';
import { renderLabelSheetPdf } from '../src/label-sheet-pdf';

/**
 * Milliseconds to render an A4 sheet PDF of 100 labels (100 mm, 4 a page): the first sheet in the
 * process (which also loads the fonts), then the median of the following runs. Ends with one line
 * `RESULT {json}`. Run: npx ts-node --transpile-only -r tsconfig-paths/register libs/labelling/bench/label-sheet-pdf.bench.ts
 */
const LABELS = 100;
const RUNS = 9;

const labels = Array.from({ length: LABELS }, (_, i) => {
  const code = containerCode(i + 1);
  return hazardousLabel({ code, qrPayload: signedPayload(code) });
});

async function timed(): Promise<{ ms: number; bytes: number }> {
  const start = performance.now();
  const pdf = await renderLabelSheetPdf(labels);
  return { ms: performance.now() - start, bytes: pdf.length };
}

async function main(): Promise<void> {
  const first = await timed();
  const runs: number[] = [];
  for (let i = 0; i < RUNS; i++) runs.push((await timed()).ms);
  runs.sort((a, b) => a - b);
  const result = {
    labels: LABELS,
    firstMs: Math.round(first.ms),
    medianMs: Math.round(runs[Math.floor(RUNS / 2)]),
    maxMs: Math.round(runs[RUNS - 1]),
    pdfBytes: first.bytes,
    targetMs: 2000,
  };
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

void main();
