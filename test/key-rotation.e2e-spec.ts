import type { NestExpressApplication } from '@nestjs/platform-express';
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { SIGNING_KEY, SigningKey } from '@app/config';
import { CheckpointService, VerificationService } from '@app/ledger';
import { runSeeds } from '../seeds/run';
import { createApiApp } from '../apps/api/src/bootstrap';
import { cloneTemplate } from './support/databases';
import { CARRIER1_LEG, bearer, oilDrum, org } from './support/demo';
import { testConfig } from './support/test-app';

const SCRIPT = join(__dirname, '..', 'scripts', 'verify-ledger-bundle.js');
const newKeyPem = (): string => generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

/**
 * Rotating the ledger key: what the old key signed (checkpoints, labels) keeps verifying once the
 * old public key is listed as retired, and is refused, naming the key, when it is not.
 */
describe('ledger key rotation', () => {
  const oldPem = newKeyPem();
  const newPem = newKeyPem();
  let database: { url: string; drop: () => Promise<void> };
  let dir: string;
  const apps: NestExpressApplication[] = [];

  async function start(env: Record<string, string>): Promise<NestExpressApplication> {
    const app = await createApiApp(testConfig({ DATABASE_URL: database.url, ...env }));
    apps.push(app);
    return app;
  }
  const http = (app: NestExpressApplication) => request(app.getHttpServer());

  let oldKey: SigningKey;
  let drum: { id: string; qrPayload: string };
  let manifestId: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'key-rotation-'));
    database = await cloneTemplate('keyrotation');
    await runSeeds(database.url, { quiet: true });
    // Before the rotation: a drum is registered (its label signed by the old key) and sealed.
    const before = await start({ LEDGER_SIGNING_KEY: oldPem });
    oldKey = before.get(SIGNING_KEY);
    const registered = await http(before).post('/api/v1/containers').set('Authorization', bearer('factory')).send({ containers: [oilDrum()] }).expect(201);
    drum = registered.body.containers[0];
    manifestId = (
      await http(before)
        .post('/api/v1/manifests')
        .set('Authorization', bearer('factory'))
        .send({ receiverId: org('cementkiln'), legs: [CARRIER1_LEG], containerIds: [drum.id], emergencyMeasures: '围堵、吸附、报告', plannedStart: new Date().toISOString(), plannedEnd: new Date(Date.now() + 3_600_000).toISOString() })
        .expect(201)
    ).body.id;
    await http(before).post(`/api/v1/manifests/${manifestId}/submit`).set('Authorization', bearer('factory')).expect(200);
    expect((await before.get(CheckpointService).sealCheckpoint()).sealed.length).toBeGreaterThan(0);
    await before.close();
    apps.pop();
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps verifying checkpoints and labels of the retired key, lists it, and signs new checkpoints with the new key', async () => {
    const app = await start({ LEDGER_SIGNING_KEY: newPem, LEDGER_RETIRED_PUBLIC_KEYS: oldKey.publicKeyRaw });
    const newKey = app.get<SigningKey>(SIGNING_KEY);
    expect(newKey.keyId).not.toBe(oldKey.keyId);

    const keys = await http(app).get('/api/v1/keys').expect(200);
    expect(keys.body.keys.map((k: { keyId: string; status: string }) => [k.keyId, k.status])).toEqual([
      [newKey.keyId, 'current'],
      [oldKey.keyId, 'retired'],
    ]);

    // The label printed before the rotation still loads the drum.
    await http(app)
      .post('/api/v1/scans')
      .set('Authorization', bearer('carrier1'))
      .send({ idempotencyKey: 'rotation-1', deviceId: 'pda-rotation', kind: 'load', manifestId, label: drum.qrPayload, deviceTime: new Date().toISOString() })
      .expect(201);
    // A checkpoint signed by the new key follows the old key's checkpoints; the whole ledger verifies.
    expect((await app.get(CheckpointService).sealCheckpoint()).sealed.length).toBeGreaterThan(0);
    const range = await app.get(VerificationService).verifyRange();
    expect(range).toMatchObject({ ok: true, headsChecked: true });
    expect(range.checkpoints).toBeGreaterThanOrEqual(2);
    const [signers] = (await app.get(DataSource).query(`SELECT array_agg(DISTINCT key_id ORDER BY key_id) AS ids FROM ledger_checkpoints`)) as { ids: string[] }[];
    expect(signers.ids).toEqual([newKey.keyId, oldKey.keyId].sort());

    // The drum's bundle carries both keys, and verifies offline pinned to both (not to the new one alone).
    const bundle = await http(app).get(`/api/v1/ledger/container/${drum.id}/bundle`).set('Authorization', bearer('regulator')).expect(200);
    expect(bundle.body.keys.map((k: { keyId: string }) => k.keyId).sort()).toEqual([newKey.keyId, oldKey.keyId].sort());
    const file = join(dir, 'bundle.json');
    writeFileSync(file, JSON.stringify(bundle.body));
    const offline = (...args: string[]) =>
      new Promise<{ code: number; out: string }>((resolve) =>
        execFile(process.execPath, [SCRIPT, file, ...args], (error, stdout) => resolve({ code: error ? Number(error.code) : 0, out: stdout })),
      );
    const both = await offline('--key', newKey.publicKeyRaw, '--key', oldKey.publicKeyRaw);
    expect(both.code).toBe(0);
    expect(both.out).toMatch(/^OK container/);
    const newOnly = await offline('--key', newKey.publicKeyRaw);
    expect(newOnly.code).toBe(1);
    expect(newOnly.out).toContain(`is signed by key ${oldKey.keyId}, which is not a pinned key`);
  });

  it('names the unknown key when the retired key is not listed, and refuses its labels (the digest of the issued label does not override that)', async () => {
    const app = await start({ LEDGER_SIGNING_KEY: newPem });
    const range = await app.get(VerificationService).verifyRange();
    expect(range.ok).toBe(false);
    expect(range.firstBroken).toMatchObject({ reason: 'checkpoint_unknown_key' });
    expect(range.firstBroken?.detail).toContain(oldKey.keyId);
    const refused = await http(app)
      .post('/api/v1/scans')
      .set('Authorization', bearer('carrier1'))
      .send({ idempotencyKey: 'rotation-2', deviceId: 'pda-rotation', kind: 'arrive', manifestId, label: drum.qrPayload, deviceTime: new Date().toISOString() })
      .expect(422);
    expect(refused.body.error.code).toBe('LABEL_SIGNATURE_INVALID');
  });

  it('refuses, at boot, a retired key that is not a raw Ed25519 public key, naming the variable', () => {
    expect(() => testConfig({ LEDGER_RETIRED_PUBLIC_KEYS: 'not-a-key' })).toThrow(/LEDGER_RETIRED_PUBLIC_KEYS/);
  });
});
