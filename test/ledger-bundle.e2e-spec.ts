import { Test, TestingModule } from '@nestjs/testing';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ConfigModule, SIGNING_KEY, SigningKey } from '@app/config';
import { DatabaseModule } from '@app/database';
import { CheckpointService, ExportService, LedgerBundle, LedgerModule, LedgerService, NewLedgerEvent } from '@app/ledger';
import { QueueModule } from '@app/queue';
import { cloneTemplate } from './support/databases';
import { testConfig } from './support/test-app';

const SCRIPT = join(__dirname, '..', 'scripts', 'verify-ledger-bundle.js');

/** Runs the standalone verifier as an auditor would: a plain `node` process, no project code. */
function verifyOffline(bundle: string | Buffer, ...args: string[]): Promise<{ code: number; out: string }> {
  const file = join(dir, `bundle-${randomUUID()}.json`);
  writeFileSync(file, bundle);
  return new Promise((resolve) => {
    execFile(process.execPath, [SCRIPT, file, ...args], (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code) : 0, out: `${stdout}${stderr}` });
    });
  });
}

let dir: string;

describe('Export bundles, verified offline', () => {
  let module: TestingModule;
  let key: SigningKey;
  let exporter: ExportService;
  let subjectId: string;
  let bundle: LedgerBundle;
  let text: string;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-bundle-'));
    const database = await cloneTemplate('ledgerbundle');
    drop = database.drop;
    const config = testConfig({ DATABASE_URL: database.url });
    module = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(config, 'ledger-e2e'),
        QueueModule.forRoot(config, 'producer'),
        LedgerModule.register({ maxEventsPerCheckpoint: 4 }),
      ],
    }).compile();
    await module.init();
    key = module.get(SIGNING_KEY);
    exporter = module.get(ExportService);
    const db = module.get(DataSource);
    const ledger = module.get(LedgerService);
    subjectId = randomUUID();
    const others = Array.from({ length: 5 }, () => randomUUID());
    const event = (id: string, type: string, payload: Record<string, unknown>): NewLedgerEvent => ({
      subjectType: 'container',
      subjectId: id,
      type,
      actor: { organisationId: randomUUID(), userId: randomUUID(), device: '扫码枪-3' },
      deviceTime: new Date(),
      payload,
    });
    // Three sealed events spread over several checkpoints among other subjects' events, then one unsealed.
    for (const [i, type] of ['container.registered', 'container.stored', 'scan.load'].entries()) {
      await db.transaction((m) =>
        ledger.appendMany(m, [event(subjectId, type, { step: i, weightKg: 12.5, note: '感染性 "sharp" box' }), ...others.map((o) => event(o, 'container.scanned', { i }))]),
      );
    }
    await module.get(CheckpointService).sealCheckpoint();
    await db.transaction((m) => ledger.append(m, event(subjectId, 'scan.arrive', { weightKg: 12.4, at: new Date().toISOString() })));
    bundle = await exporter.exportSubjectBundle('container', subjectId);
    text = JSON.stringify(bundle, null, 2);
  });
  afterAll(async () => {
    await module.close();
    await drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds the story, proofs for the sealed events, their checkpoints and the key', () => {
    expect(bundle.events.map((e) => [e.subjectSeq, e.type, e.proof === null])).toEqual([
      [1, 'container.registered', false],
      [2, 'container.stored', false],
      [3, 'scan.load', false],
      [4, 'scan.arrive', true],
    ]);
    expect(bundle.checkpoints.length).toBeGreaterThanOrEqual(2);
    expect(bundle.keys).toEqual([{ keyId: key.keyId, algorithm: 'Ed25519', publicKey: key.publicKeyRaw }]);
    expect(bundle.head).toEqual({ lastSeq: 4, lastHash: bundle.events[3].hash });
  });

  it('is accepted by the offline verifier, with the key pinned', async () => {
    const result = await verifyOffline(text, '--key', key.publicKeyRaw);
    expect(result.out).toMatch(/^OK container [0-9a-f-]{36}: 4 events, 3 sealed in \d+ signed checkpoint\(s\), 1 not sealed yet/);
    expect(result.code).toBe(0);
  });

  it('is accepted without a pinned key, with a warning', async () => {
    const result = await verifyOffline(text);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/warning: no --key given/);
  });

  /** The bundle text with one byte changed at the first place `find` occurs after `after`. */
  function oneByteChanged(find: string, replacement: string, after = 0): string {
    const at = text.indexOf(find, after);
    expect(at).toBeGreaterThanOrEqual(0);
    expect(Buffer.byteLength(find)).toBe(Buffer.byteLength(replacement));
    const changed = text.slice(0, at) + replacement + text.slice(at + find.length);
    expect(Buffer.compare(Buffer.from(changed), Buffer.from(text))).not.toBe(0);
    return changed;
  }

  it.each<[string, () => string, RegExp]>([
    ['a digit of a hashed payload', () => oneByteChanged('12.5', '13.5', text.indexOf('"payloadJson"')), /FAIL: event seq \d+ \(subject_seq 1\): hash mismatch/],
    ['the payload shown to readers', () => oneByteChanged('"step": 1', '"step": 7'), /FAIL: event seq \d+ \(subject_seq 2\): payload differs/],
    ['an event type', () => oneByteChanged('scan.load', 'scan.lead'), /FAIL: event seq \d+ \(subject_seq 3\): hash mismatch/],
    ['a server time', () => oneByteChanged(bundle.events[1].serverTime, bundle.events[1].serverTime.replace(/\dZ$/, (d) => `${(Number(d[0]) + 1) % 10}Z`)), /subject_seq 2\): hash mismatch/],
    ['a Merkle proof', () => oneByteChanged(bundle.events[0].proof!.path[0], flipHex(bundle.events[0].proof!.path[0])), /subject_seq 1\): not included in checkpoint/],
    ['a checkpoint root', () => oneByteChanged(`"merkleRoot": "${bundle.checkpoints[0].merkleRoot}`, `"merkleRoot": "${flipHex(bundle.checkpoints[0].merkleRoot)}`), /FAIL: checkpoint [0-9a-f-]+: signature does not match/],
    ['the export time', () => oneByteChanged(bundle.exportedAt, bundle.exportedAt.replace(/^2/, '3')), /FAIL: bundle signature does not match/],
    ['the JSON syntax', () => oneByteChanged('"format"', '"format '), /FAIL: cannot read the bundle/],
  ])('is rejected after one byte of %s is changed', async (_what, change, message) => {
    const result = await verifyOffline(change(), '--key', key.publicKeyRaw);
    expect(result.out).toMatch(message);
    expect(result.code).toBe(1);
  });

  it('is rejected when the pinned key is not the one that signed it', async () => {
    const other = Buffer.alloc(32, 7).toString('base64url');
    const result = await verifyOffline(text, '--key', other);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/FAIL: checkpoint .* is signed by key [0-9a-f]{16}, which is not a pinned key/);
  });

  it('is rejected when an event is left out', async () => {
    const shorter = { ...bundle, events: bundle.events.filter((e) => e.subjectSeq !== 2) };
    const result = await verifyOffline(JSON.stringify(shorter), '--key', key.publicKeyRaw);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/expected subject_seq 2: an event is missing/);
  });

  it('answers a usage error with exit code 2', async () => {
    const result = await new Promise<number>((resolve) => execFile(process.execPath, [SCRIPT], (error) => resolve(error ? Number(error.code) : 0)));
    expect(result).toBe(2);
  });

  it('refuses to export a subject without events', async () => {
    await expect(exporter.exportSubjectBundle('container', randomUUID())).rejects.toMatchObject({ code: 'LEDGER_SUBJECT_NOT_FOUND', status: 404 });
  });
});

function flipHex(hex: string): string {
  return (hex[0] === '0' ? '1' : '0') + hex.slice(1);
}
