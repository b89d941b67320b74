import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runSeeds } from '../seeds/run';
import { CARRIER1_LEG, FACILITY, bearer, oilDrum, org } from './support/demo';
import { TestApp, startTestApp } from './support/test-app';

const run = promisify(execFile);

describe('the story of a thing, and its proofs', () => {
  let t: TestApp;
  let drum: { id: string; code: string; qrPayload: string };
  let manifestId: string;

  beforeAll(async () => {
    t = await startTestApp('story');
    await runSeeds(t.config.databaseUrl, { quiet: true });
    const reg = await t.http().post('/api/v1/containers').set('Authorization', bearer('factory')).send({ containers: [oilDrum()], facilityId: FACILITY.factory }).expect(201);
    drum = reg.body.containers[0];
    manifestId = (
      await t.http().post('/api/v1/manifests').set('Authorization', bearer('factory')).send({
        receiverId: org('cementkiln'), legs: [CARRIER1_LEG], containerIds: [drum.id], emergencyMeasures: '围堵吸附',
        plannedStart: new Date().toISOString(), plannedEnd: new Date(Date.now() + 3_600_000).toISOString(),
      }).expect(201)
    ).body.id;
    await t.http().post(`/api/v1/manifests/${manifestId}/submit`).set('Authorization', bearer('factory')).expect(200);
    await t.http().post('/api/v1/scans').set('Authorization', bearer('carrier1')).send({
      idempotencyKey: 'story-1', deviceId: 'pda-s', kind: 'load', manifestId, label: drum.qrPayload, deviceTime: new Date(Date.now() - 60_000).toISOString(),
    }).expect(201);
  });
  afterAll(() => t.close());

  it('tells a container’s story in order, with who held it and on which manifest', async () => {
    const res = await t.http().get(`/api/v1/containers/${drum.id}/story`).set('Authorization', bearer('regulator')).expect(200);
    expect(res.body.events.map((e: { type: string }) => e.type)).toEqual(['container.registered', 'container.listed', 'scan.load']);
    expect(res.body.events.map((e: { subjectSeq: number }) => e.subjectSeq)).toEqual([1, 2, 3]);
    expect(res.body.custody.map((c: { holderId: string }) => c.holderId)).toEqual([org('factory'), org('carrier1')]);
    expect(res.body.manifests.map((m: { id: string }) => m.id)).toEqual([manifestId]);

    const page = await t.http().get(`/api/v1/containers/${drum.id}/story?limit=2`).set('Authorization', bearer('factory')).expect(200);
    expect(page.body.events).toHaveLength(2);
    const next = await t.http().get(`/api/v1/containers/${drum.id}/story?afterSeq=${page.body.nextAfterSeq}`).set('Authorization', bearer('factory')).expect(200);
    expect(next.body.events.map((e: { type: string }) => e.type)).toEqual(['scan.load']);

    await t.http().get(`/api/v1/containers/${drum.id}/story`).set('Authorization', bearer('hospital')).expect(404);
  });

  it('verifies the chain through the API and names a tampered event', async () => {
    const ok = await t.http().get(`/api/v1/ledger/container/${drum.id}/verify`).set('Authorization', bearer('regulator')).expect(200);
    expect(ok.body.ok).toBe(true);

    const [second] = await t.db.query(`SELECT seq, server_time FROM events WHERE subject_id = $1 AND subject_seq = 2`, [drum.id]);
    await t.db.query(`ALTER TABLE events DISABLE TRIGGER events_append_only`);
    try {
      await t.db.query(`UPDATE events SET payload = payload || '{"from":"stored-altered"}' WHERE seq = $1 AND server_time = $2`, [second.seq, second.server_time]);
    } finally {
      await t.db.query(`ALTER TABLE events ENABLE TRIGGER events_append_only`);
    }
    const broken = await t.http().get(`/api/v1/ledger/container/${drum.id}/verify`).set('Authorization', bearer('regulator')).expect(200);
    expect(broken.body.ok).toBe(false);
    expect(JSON.stringify(broken.body)).toContain(String(second.seq));
  });

  it('exports a manifest bundle that the offline verifier accepts, and rejects once a byte changes', async () => {
    const res = await t.http().get(`/api/v1/ledger/manifest/${manifestId}/bundle`).set('Authorization', bearer('factory')).expect(200);
    const file = join(tmpdir(), `bundle-${manifestId}.json`);
    writeFileSync(file, JSON.stringify(res.body));
    const good = await run(process.execPath, [join(__dirname, '..', 'scripts', 'verify-ledger-bundle.js'), file]);
    expect(good.stdout).toMatch(/OK/);
    const text = JSON.stringify(res.body).replace(org('factory'), org('factory').replace(/.$/, (c) => (c === '0' ? '1' : '0')));
    writeFileSync(file, text);
    const bad = await run(process.execPath, [join(__dirname, '..', 'scripts', 'verify-ledger-bundle.js'), file]).then(() => 0, (e: { code: number }) => e.code);
    expect(bad).toBe(1);
    const [exported] = await t.db.query(`SELECT payload FROM events WHERE type = 'export.ledger_bundle' ORDER BY seq DESC LIMIT 1`);
    expect(exported.payload).toMatchObject({ subjectType: 'manifest', subjectId: manifestId });
  });
});
