import { createHash, randomUUID } from 'node:crypto';
import { runSeeds } from '../seeds/run';
import { CARRIER1_LEG, CARRIER2_LEG, bearer, medicalBag, oilDrum, org } from './support/demo';
import { TestApp, startTestApp } from './support/test-app';

interface Registered {
  id: string;
  code: string;
  qrPayload: string;
}

describe('manifests and custody scans', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('manifests');
    await runSeeds(t.config.databaseUrl, { quiet: true });
  });
  afterAll(() => t.close());

  const register = async (key: string, containers: unknown[]): Promise<Registered[]> => {
    const res = await t.http().post('/api/v1/containers').set('Authorization', bearer(key)).send({ containers }).expect(201);
    return res.body.containers;
  };
  const draft = (key: string, body: Record<string, unknown>) =>
    t.http().post('/api/v1/manifests').set('Authorization', bearer(key)).send({
      emergencyMeasures: '泄漏时用吸附棉围堵，拨打 12369。',
      plannedStart: new Date().toISOString(),
      plannedEnd: new Date(Date.now() + 4 * 3_600_000).toISOString(),
      ...body,
    });
  const act = (key: string, id: string, step: string, body: unknown = {}) => t.http().post(`/api/v1/manifests/${id}/${step}`).set('Authorization', bearer(key)).send(body as object);
  const scan = (key: string, body: Record<string, unknown>) =>
    t.http().post('/api/v1/scans').set('Authorization', bearer(key)).send({ idempotencyKey: randomUUID(), deviceId: `${key}-pda`, deviceTime: new Date().toISOString(), ...body });
  const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();

  it('refuses to submit when a carrier is not licensed for the waste', async () => {
    // Carrier 1's permits do not include class 6.2 (infectious substances).
    const bags = await register('clinic', [medicalBag()]);
    const id = (await draft('clinic', { receiverId: org('incinerator'), legs: [CARRIER1_LEG], containerIds: bags.map((b) => b.id) }).expect(201)).body.id;
    const early = await scan('carrier1', { kind: 'load', manifestId: id, label: bags[0].qrPayload }).expect(409);
    expect(early.body.error.code).toBe('MANIFEST_NOT_SUBMITTED');
    const refused = await act('clinic', id, 'submit').expect(422);
    expect(refused.body.error.code).toBe('LICENCE_CHECK_FAILED');
    expect(JSON.stringify(refused.body.error.details)).toContain(org('carrier1'));
    // The cement kiln is not licensed for HW01 either.
    const kiln = await register('clinic', [medicalBag()]);
    const id2 = (await draft('clinic', { receiverId: org('cementkiln'), legs: [CARRIER2_LEG], containerIds: kiln.map((b) => b.id) }).expect(201)).body.id;
    const noLicence = await act('clinic', id2, 'submit').expect(422);
    expect(JSON.stringify(noLicence.body.error.details)).toContain(org('cementkiln'));
  });

  it('carries hazardous waste through two carriers, enforcing the hand-over order', async () => {
    const drums = await register('factory', [oilDrum(), oilDrum({ netWeightKg: 150 })]);
    const id = (await draft('factory', { receiverId: org('cementkiln'), legs: [CARRIER1_LEG, CARRIER2_LEG], containerIds: drums.map((d) => d.id) }).expect(201)).body.id;
    await act('factory', id, 'submit').expect(200);
    // Carrier 2 cannot take over what carrier 1 has not loaded.
    const tooEarly = await scan('carrier2', { kind: 'handover', manifestId: id, label: drums[0].qrPayload, deviceTime: at(50) }).expect(409);
    expect(tooEarly.body.error.code).toBe('NOT_LOADED');
    for (const d of drums) await scan('carrier1', { kind: 'load', manifestId: id, label: d.qrPayload, deviceTime: at(40) }).expect(201);
    await act('carrier1', id, 'depart').expect(200);
    for (const d of drums) await scan('carrier2', { kind: 'handover', manifestId: id, label: d.qrPayload, deviceTime: at(20) }).expect(201);
    const again = await scan('carrier2', { kind: 'handover', manifestId: id, label: drums[0].qrPayload, deviceTime: at(19) }).expect(409);
    expect(again.body.error.code).toBe('LEG_ORDER');
    const holder = await t.http().get(`/api/v1/containers/${drums[0].id}`).set('Authorization', bearer('carrier2')).expect(200);
    expect(holder.body.holderId).toBe(org('carrier2'));
    for (const d of drums) await scan('cementkiln', { kind: 'arrive', manifestId: id, label: d.qrPayload, weightKg: Number(d === drums[0] ? 180 : 150), deviceTime: at(2) }).expect(201);
    const view = await t.http().get(`/api/v1/manifests/${id}`).set('Authorization', bearer('carrier2')).expect(200);
    expect(view.body.items.every((i: { currentLeg: number }) => i.currentLeg === 2)).toBe(true);
    const accepted = view.body.scans.filter((s: { accepted: boolean }) => s.accepted);
    expect(accepted.map((s: { kind: string }) => s.kind)).toEqual(['load', 'load', 'handover', 'handover', 'arrive', 'arrive']);
    // Refused scans stay on the record too.
    expect(view.body.scans.filter((s: { accepted: boolean }) => !s.accepted).map((s: { outcome: string }) => s.outcome)).toEqual(['NOT_LOADED', 'LEG_ORDER']);
  });

  it('runs the whole hazardous happy path with one carrier', async () => {
    const drums = await register('factory', [oilDrum(), oilDrum({ netWeightKg: 150 })]);
    const id = (await draft('factory', { receiverId: org('cementkiln'), legs: [CARRIER1_LEG], containerIds: drums.map((d) => d.id) }).expect(201)).body.id;
    const submitted = await act('factory', id, 'submit').expect(200);
    expect(submitted.body.number).toMatch(/^\d{4}5001\d{6}$/);
    expect(submitted.body.status).toBe('submitted');

    const stranger = await register('lab', [oilDrum({ wasteCode: '900-047-49', wasteName: '实验室废液' })]);
    const notListed = await scan('carrier1', { kind: 'load', manifestId: id, label: stranger[0].qrPayload }).expect(409);
    expect(notListed.body.error.code).toBe('CONTAINER_NOT_ON_MANIFEST');

    await scan('carrier1', { kind: 'load', manifestId: id, label: drums[0].qrPayload, deviceTime: at(30) }).expect(201);
    await scan('carrier1', { kind: 'load', manifestId: id, label: drums[1].qrPayload, deviceTime: at(29) }).expect(201);
    const departed = await act('carrier1', id, 'depart').expect(200);
    expect(departed.body.missing).toEqual([]);

    await scan('cementkiln', { kind: 'arrive', manifestId: id, label: drums[0].qrPayload, weightKg: 180.1, deviceTime: at(5) }).expect(201);
    await scan('cementkiln', { kind: 'arrive', manifestId: id, label: drums[1].qrPayload, weightKg: 120, deviceTime: at(4) }).expect(201);
    const arrived = await t.http().get(`/api/v1/manifests/${id}`).set('Authorization', bearer('regulator')).expect(200);
    expect(arrived.body.status).toBe('arrived');
    expect(arrived.body.discrepancies).toEqual([expect.objectContaining({ kind: 'weight', containerId: drums[1].id, declaredKg: 150, measuredKg: 120 })]);

    const received = await act('cementkiln', id, 'receipt', {
      decisions: [
        { containerId: drums[0].id, decision: 'accepted' },
        { containerId: drums[1].id, decision: 'partially_refused', refusedKg: 20, reason: '含水量超标' },
      ],
    }).expect(200);
    expect(received.body.status).toBe('received');
    expect(received.body.confirmDeadline).toMatch(/^\d{4}-\d{2}-\d{2}/);
    expect(received.body.items.find((i: { containerId: string }) => i.containerId === drums[1].id)).toMatchObject({ acceptedKg: 100, refusedKg: 20 });

    const confirmed = await act('cementkiln', id, 'confirm', { opinion: '同意接收' }).expect(200);
    expect(confirmed.body).toMatchObject({ status: 'confirmed', late: false });
    const done = await act('cementkiln', id, 'final-operations', { operations: drums.map((d) => ({ containerId: d.id, method: 'C1' })) }).expect(200);
    expect(done.body.status).toBe('completed');
    const drum = await t.http().get(`/api/v1/containers/${drums[0].id}`).set('Authorization', bearer('factory')).expect(200);
    expect(drum.body.status).toBe('disposed');
  });

  it('runs a medical-waste run with bags in a turnover box, and keeps the 交接登记', async () => {
    const bags = await register('hospital', [medicalBag(), medicalBag(), medicalBag()]);
    const [box] = await register('hospital', [medicalBag({ containerType: 'turnover_box', volumeLitres: 100, netWeightKg: 0 })]);
    await t.http().post(`/api/v1/containers/${box.id}/pack`).set('Authorization', bearer('hospital')).send({ labels: bags.map((b) => b.qrPayload) }).expect(200);
    const id = (await draft('hospital', { receiverId: org('incinerator'), legs: [CARRIER2_LEG], containerIds: [box.id] }).expect(201)).body.id;
    await act('hospital', id, 'submit').expect(200);

    // Scanning the box accounts for the bags inside it.
    await scan('carrier2', { kind: 'load', manifestId: id, label: box.qrPayload, deviceTime: at(20) }).expect(201);
    expect((await act('carrier2', id, 'depart').expect(200)).body.missing).toEqual([]);
    await scan('incinerator', { kind: 'arrive', manifestId: id, label: box.qrPayload, weightKg: 7.5, deviceTime: at(2) }).expect(201);
    await act('incinerator', id, 'receipt', { decisions: [{ containerId: box.id, decision: 'accepted' }] }).expect(200);
    await act('incinerator', id, 'confirm').expect(200);
    const done = await act('incinerator', id, 'final-operations', { operations: [{ containerId: box.id, method: 'D10' }] }).expect(200);
    expect(done.body.status).toBe('completed');
    expect(done.body.kind).toBe('medical');

    const register_ = await t.http().get(`/api/v1/manifests/${id}/handover-register`).set('Authorization', bearer('hospital')).expect(200);
    expect(register_.body.rows).toHaveLength(4);
    for (const row of register_.body.rows) {
      expect(row).toMatchObject({ source: '沙坪坝示范医院（三甲）', destination: '歌乐山危险废物焚烧处置中心', disposalMethod: 'D10' });
      expect(row.handedOverAt).toBeTruthy();
      expect(row.receivedAt).toBeTruthy();
    }
    const bag = await t.http().get(`/api/v1/containers/${bags[0].id}`).set('Authorization', bearer('hospital')).expect(200);
    expect(bag.body.status).toBe('disposed');
  });

  it('checks a scanned label against the digest of the label issued, and by its signature when that does not match', async () => {
    const drums = await register('factory', [oilDrum(), oilDrum(), oilDrum(), oilDrum()]);
    // Registration keeps the first 16 bytes of SHA-256 over the payload it printed.
    const [stored] = (await t.db.query(`SELECT encode(label_digest, 'hex') AS digest FROM containers WHERE id = $1`, [drums[0].id])) as { digest: string }[];
    expect(stored.digest).toBe(createHash('sha256').update(drums[0].qrPayload).digest('hex').slice(0, 32));
    // A container registered before digests were kept has none; another's digest was written wrong.
    await t.db.query(`UPDATE containers SET label_digest = NULL WHERE id = $1`, [drums[1].id]);
    await t.db.query(`UPDATE containers SET label_digest = decode(repeat('00', 16), 'hex') WHERE id = $1`, [drums[2].id]);
    const id = (await draft('factory', { receiverId: org('cementkiln'), legs: [CARRIER1_LEG], containerIds: drums.map((d) => d.id) }).expect(201)).body.id;
    await act('factory', id, 'submit').expect(200);

    // Genuine labels pass either way: by digest, or by signature when there is no digest or it differs.
    for (const d of drums.slice(0, 3)) await scan('carrier1', { kind: 'load', manifestId: id, label: d.qrPayload }).expect(201);
    // The issued code with a signature that is not ours is refused, though the container exists.
    const signature = drums[3].qrPayload.slice(drums[3].qrPayload.lastIndexOf('.') + 1);
    const forged = `${drums[3].qrPayload.slice(0, -signature.length)}${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
    const refused = await scan('carrier1', { kind: 'load', manifestId: id, label: forged }).expect(422);
    expect(refused.body.error.code).toBe('LABEL_SIGNATURE_INVALID');
    await scan('carrier1', { kind: 'load', manifestId: id, label: drums[3].qrPayload }).expect(201);
  });

  it('reports containers left behind at departure', async () => {
    const drums = await register('autorepair', [oilDrum(), oilDrum()]);
    const id = (await draft('autorepair', { receiverId: org('cementkiln'), legs: [CARRIER1_LEG], containerIds: drums.map((d) => d.id) }).expect(201)).body.id;
    await act('autorepair', id, 'submit').expect(200);
    await scan('carrier1', { kind: 'load', manifestId: id, label: drums[0].qrPayload }).expect(201);
    const departed = await act('carrier1', id, 'depart').expect(200);
    expect(departed.body.missing).toEqual([{ containerId: drums[1].id, code: drums[1].code }]);
  });

  it('refuses to put a container on two open manifests', async () => {
    const [drum] = await register('factory', [oilDrum()]);
    await draft('factory', { receiverId: org('cementkiln'), legs: [CARRIER1_LEG], containerIds: [drum.id] }).expect(201);
    const second = await draft('factory', { receiverId: org('cementkiln'), legs: [CARRIER1_LEG], containerIds: [drum.id] }).expect(409);
    expect(second.body.error.code).toBe('CONTAINER_NOT_AVAILABLE');
  });

  it('hides a manifest from a transporter not assigned to it and from another unit', async () => {
    const [drum] = await register('factory', [oilDrum()]);
    const id = (await draft('factory', { receiverId: org('cementkiln'), legs: [CARRIER1_LEG], containerIds: [drum.id] }).expect(201)).body.id;
    await t.http().get(`/api/v1/manifests/${id}`).set('Authorization', bearer('carrier1')).expect(200);
    await t.http().get(`/api/v1/manifests/${id}`).set('Authorization', bearer('carrier2')).expect(404);
    await t.http().get(`/api/v1/manifests/${id}`).set('Authorization', bearer('hospital')).expect(404);
    const list = await t.http().get('/api/v1/manifests').set('Authorization', bearer('carrier2')).expect(200);
    expect(list.body.manifests.map((m: { id: string }) => m.id)).not.toContain(id);
  });

  describe('offline batches', () => {
    it('records a batch uploaded twice only once and answers the retry with the same results', async () => {
      const drums = await register('factory', [oilDrum(), oilDrum(), oilDrum()]);
      const id = (await draft('factory', { receiverId: org('cementkiln'), legs: [CARRIER1_LEG], containerIds: drums.map((d) => d.id) }).expect(201)).body.id;
      await act('factory', id, 'submit').expect(200);
      const scans = drums.map((d, i) => ({ idempotencyKey: `k-${id}-${i}`, deviceId: 'pda-offline-1', kind: 'load', manifestId: id, label: d.qrPayload, deviceTime: at(60 - i) }));
      scans.push({ ...scans[0], idempotencyKey: `k-${id}-dup`, label: drums[0].qrPayload });
      const first = await t.http().post('/api/v1/scans/batch').set('Authorization', bearer('carrier1')).send({ scans }).expect(200);
      expect(first.body.results.map((r: { code: string }) => r.code)).toEqual(['ACCEPTED', 'ACCEPTED', 'ACCEPTED', 'ALREADY_LOADED']);
      const second = await t.http().post('/api/v1/scans/batch').set('Authorization', bearer('carrier1')).send({ scans }).expect(200);
      expect(second.body.results.map((r: { code: string; duplicate: boolean }) => [r.code, r.duplicate])).toEqual([
        ['ACCEPTED', true], ['ACCEPTED', true], ['ACCEPTED', true], ['ALREADY_LOADED', true],
      ]);
      const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM scans WHERE manifest_id = $1`, [id]);
      expect(n).toBe(4);
      const [{ e }] = await t.db.query(`SELECT count(*)::int AS e FROM events WHERE type = 'scan.load' AND payload->>'manifestId' = $1`, [id]);
      expect(e).toBe(3);
    });

    it('accepts a receipt scan uploaded before its loading scan, judged by device time', async () => {
      const [drum] = await register('factory', [oilDrum()]);
      const id = (await draft('factory', { receiverId: org('cementkiln'), legs: [CARRIER1_LEG], containerIds: [drum.id] }).expect(201)).body.id;
      await act('factory', id, 'submit').expect(200);
      // The receiver is online; the driver was in the mountains and uploads later.
      const arrival = await t.http().post('/api/v1/scans/batch').set('Authorization', bearer('cementkiln'))
        .send({ scans: [{ idempotencyKey: `arr-${id}`, deviceId: 'kiln-gate', kind: 'arrive', manifestId: id, label: drum.qrPayload, deviceTime: at(10), weightKg: 180 }] }).expect(200);
      expect(arrival.body.results[0].code).toBe('ACCEPTED');
      let view = await t.http().get(`/api/v1/manifests/${id}`).set('Authorization', bearer('factory')).expect(200);
      expect(view.body.discrepancies.map((d: { kind: string }) => d.kind)).toEqual(['no_loading_scan']);

      const late = await t.http().post('/api/v1/scans/batch').set('Authorization', bearer('carrier1'))
        .send({ scans: [{ idempotencyKey: `load-${id}`, deviceId: 'pda-mountain', kind: 'load', manifestId: id, label: drum.qrPayload, deviceTime: at(90) }] }).expect(200);
      expect(late.body.results[0].code).toBe('ACCEPTED');
      view = await t.http().get(`/api/v1/manifests/${id}`).set('Authorization', bearer('factory')).expect(200);
      expect(view.body.items[0].loadedAt).toBeTruthy();
      expect(view.body.scans.map((s: { kind: string }) => s.kind)).toEqual(['load', 'arrive']);

      // A loading scan dated after the arrival is an impossible order.
      const [drum2] = await register('factory', [oilDrum()]);
      const id2 = (await draft('factory', { receiverId: org('cementkiln'), legs: [CARRIER1_LEG], containerIds: [drum2.id] }).expect(201)).body.id;
      await act('factory', id2, 'submit').expect(200);
      await scan('cementkiln', { kind: 'arrive', manifestId: id2, label: drum2.qrPayload, deviceTime: at(10) }).expect(201);
      const impossible = await scan('carrier1', { kind: 'load', manifestId: id2, label: drum2.qrPayload, deviceTime: at(5) }).expect(409);
      expect(impossible.body.error.code).toBe('EVENTS_OUT_OF_ORDER');
    });

    it('refuses a device clock far in the future', async () => {
      const [drum] = await register('factory', [oilDrum()]);
      const id = (await draft('factory', { receiverId: org('cementkiln'), legs: [CARRIER1_LEG], containerIds: [drum.id] }).expect(201)).body.id;
      await act('factory', id, 'submit').expect(200);
      const res = await scan('carrier1', { kind: 'load', manifestId: id, label: drum.qrPayload, deviceTime: new Date(Date.now() + 3_600_000).toISOString() }).expect(422);
      expect(res.body.error.code).toBe('CLOCK_SKEW');
    });
  });

  it('lets exactly one of two carriers scanning the same container at the same moment win', async () => {
    const [drum] = await register('factory', [oilDrum()]);
    const id = (await draft('factory', { receiverId: org('cementkiln'), legs: [CARRIER1_LEG], containerIds: [drum.id] }).expect(201)).body.id;
    await act('factory', id, 'submit').expect(200);
    const now = new Date().toISOString();
    const [a, b] = await Promise.all([
      t.http().post('/api/v1/scans').set('Authorization', bearer('carrier1')).send({ idempotencyKey: 'race-a', deviceId: 'pda-a', kind: 'load', manifestId: id, label: drum.qrPayload, deviceTime: now }),
      t.http().post('/api/v1/scans').set('Authorization', bearer('carrier1', 'driver')).send({ idempotencyKey: 'race-b', deviceId: 'pda-b', kind: 'load', manifestId: id, label: drum.qrPayload, deviceTime: now }),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM events WHERE type = 'scan.load' AND subject_id = $1`, [drum.id]);
    expect(n).toBe(1);
  });

  it('ships a refused drum back to its generator on a linked return manifest', async () => {
    const [drum] = await register('factory', [oilDrum()]);
    const id = (await draft('factory', { receiverId: org('cementkiln'), legs: [CARRIER1_LEG], containerIds: [drum.id] }).expect(201)).body.id;
    await act('factory', id, 'submit').expect(200);
    await scan('carrier1', { kind: 'load', manifestId: id, label: drum.qrPayload, deviceTime: at(30) }).expect(201);
    await act('carrier1', id, 'depart').expect(200);
    await scan('cementkiln', { kind: 'arrive', manifestId: id, label: drum.qrPayload, weightKg: 180, deviceTime: at(3) }).expect(201);
    await act('cementkiln', id, 'receipt', { decisions: [{ containerId: drum.id, decision: 'refused', reason: '包装破损' }] }).expect(200);
    await act('cementkiln', id, 'confirm').expect(200);

    const back = await draft('cementkiln', { receiverId: org('factory'), legs: [CARRIER1_LEG], containerIds: [drum.id], parentId: id, relation: 'return' }).expect(201);
    const original = await t.http().get(`/api/v1/manifests/${id}`).set('Authorization', bearer('factory')).expect(200);
    expect(original.body.children).toEqual([expect.objectContaining({ id: back.body.id, relation: 'return' })]);
    expect(original.body.status).toBe('completed');
    const child = await t.http().get(`/api/v1/manifests/${back.body.id}`).set('Authorization', bearer('factory')).expect(200);
    expect(child.body.parent).toEqual({ id, relation: 'return' });
    await act('cementkiln', back.body.id, 'submit').expect(200);
  });
});
