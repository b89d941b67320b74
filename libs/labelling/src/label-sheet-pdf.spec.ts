import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { containerCode, hazardousLabel, medicalLabel, signedPayload } from './label-data.fixture';
import { labelsPerPage } from './label-size';
import { renderLabelSheetPdf } from './label-sheet-pdf';

const REPO_ROOT = resolve(__dirname, '../../..');

/**
 * The text of each page, as PDF.js extracts it. PDF.js ships only as ES modules, which Jest's
 * CommonJS runtime cannot import, so it runs in a child Node process.
 */
async function pdfPageTexts(pdf: Buffer): Promise<string[]> {
  const script = `
    const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const chunks = [];
    for await (const chunk of process.stdin) chunks.push(chunk);
    const doc = await getDocument({ data: new Uint8Array(Buffer.concat(chunks)), isEvalSupported: false, verbosity: 0 }).promise;
    const pages = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const content = await (await doc.getPage(n)).getTextContent();
      pages.push(content.items.map((item) => item.str ?? '').join(''));
    }
    process.stdout.write(JSON.stringify(pages));
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO_ROOT });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const exitCode = await new Promise<number | null>((done, fail) => {
    child.on('error', fail);
    child.on('close', done);
    child.stdin.end(pdf);
  });
  if (exitCode !== 0) throw new Error(`PDF text extraction failed: ${Buffer.concat(err).toString()}`);
  return JSON.parse(Buffer.concat(out).toString()) as string[];
}

function batch(count: number, litres: number, firstSequence = 1) {
  return Array.from({ length: count }, (_, i) => {
    const code = containerCode(firstSequence + i);
    return hazardousLabel({ code, qrPayload: signedPayload(code), containerVolumeLitres: litres });
  });
}

describe('renderLabelSheetPdf', () => {
  it('fits four 100 mm labels and one of the larger sizes on an A4 page', () => {
    expect(labelsPerPage(30)).toBe(4);
    expect(labelsPerPage(200)).toBe(1);
    expect(labelsPerPage(1000)).toBe(1);
  });

  it('puts N labels on a page, so 2N+1 labels take 3 pages, each code findable as text', async () => {
    const perPage = labelsPerPage(30);
    const labels = batch(2 * perPage + 1, 30);
    const pdf = await renderLabelSheetPdf(labels);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');

    const pages = await pdfPageTexts(pdf);
    expect(pages).toHaveLength(3);
    labels.forEach((label, i) => expect(pages[Math.floor(i / perPage)]).toContain(label.code));
    expect(pages[0]).toContain('危险废物');
    expect(pages[0]).toContain(`废物名称：${labels[0].wasteName}`);
    expect(pages[0]).toContain(`联系方式：${labels[0].contactPhone}`);
  });

  it('starts a new page when the label size changes', async () => {
    const small = batch(3, 30);
    const large = batch(2, 1000, 100);
    const medical = medicalLabel();
    const pages = await pdfPageTexts(await renderLabelSheetPdf([...small, ...large, medical]));
    // Three small labels; one large per page, twice; then the small medical label on its own page.
    expect(pages).toHaveLength(4);
    for (const label of small) expect(pages[0]).toContain(label.code);
    expect(pages[1]).toContain(large[0].code);
    expect(pages[2]).toContain(large[1].code);
    expect(pages[3]).toContain('医疗废物');
    expect(pages[3]).toContain(medical.code);
  });

  it('prints markup in the data as plain text', async () => {
    const label = hazardousLabel({ wasteName: '<script>&"废油' });
    const [page] = await pdfPageTexts(await renderLabelSheetPdf([label]));
    expect(page).toContain('<script>&"废油');
  });

  it('refuses an empty sheet', async () => {
    await expect(renderLabelSheetPdf([])).rejects.toThrow(RangeError);
  });
});
