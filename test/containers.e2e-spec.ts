import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { runSeeds } from '../seeds/run';
import { DEMO_ORGS } from '../seeds/demo-district';
import { FACILITY, bearer, medicalBag, oilDrum, org } from './support/demo';
import { TestApp, startTestApp } from './support/test-app';

// Fixed generation days: the codes below carry them.
const bag = (over: Record<string, unknown> = {}) => medicalBag({ generatedAt: '2026-11-28T08:00:00+08:00', ...over });
const drum = (over: Record<string, unknown> = {}) => oilDrum({ generatedAt: '2026-11-27T10:00:00+08:00', ...over });

describe('containers: one item, one code', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('containers');
    await runSeeds(t.config.databaseUrl, { quiet: true });
  });
  afterAll(() => t.close());

  const register = (key: string, containers: unknown[], facilityId?: string) =>
    t.http().post('/api/v1/containers').set('Authorization', bearer(key)).send({ containers, ...(facilityId ? { facilityId } : {}) });

  it('allocates unique 37-character codes under 50 parallel registration requests', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, () => register('factory', [drum(), drum()])));
    for (const r of results) expect(r.status).toBe(201);
    const codes = results.flatMap((r) => r.body.containers.map((c: { code: string }) => c.code));
    expect(codes).toHaveLength(100);
    expect(new Set(codes).size).toBe(100);
    const uscc = DEMO_ORGS.find((o) => o.key === 'factory')!.uscc;
    for (const code of codes) expect(code).toMatch(new RegExp(`^${uscc}90021408` + '20261127' + '\\d{3}$'));
    const seqs = codes.map((c: string) => Number(c.slice(-3))).sort((a: number, b: number) => a - b);
    expect(seqs).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM events WHERE type = 'container.registered'`);
    expect(n).toBe(100);
  });

  it('defaults hazards from the catalogue and refuses ones it does not list', async () => {
    const ok = await register('lab', [{ ...drum(), wasteCode: '900-047-49', wasteName: '实验室废液' }]).expect(201);
    const [row] = await t.db.query(`SELECT hazard_codes FROM containers WHERE id = $1`, [ok.body.containers[0].id]);
    expect(row.hazard_codes).toEqual(['T', 'C', 'I', 'R']);
    const bad = await register('lab', [{ ...drum(), wasteCode: '900-039-49', hazards: ['In'] }]).expect(400);
    expect(bad.body.error.code).toBe('HAZARD_NOT_IN_CATALOGUE');
    const unknown = await register('lab', [{ ...drum(), wasteCode: '999-999-99' }]).expect(400);
    expect(unknown.body.error.code).toBe('WASTE_CODE_UNKNOWN');
  });

  it('writes nothing when one container of a batch is invalid', async () => {
    const before = await t.db.query(`SELECT (SELECT count(*) FROM containers)::int AS c, (SELECT count(*) FROM events)::int AS e`);
    await register('factory', [drum(), drum({ wasteCode: '999-999-99' })]).expect(400);
    const after = await t.db.query(`SELECT (SELECT count(*) FROM containers)::int AS c, (SELECT count(*) FROM events)::int AS e`);
    expect(after).toEqual(before);
  });

  it('refuses registration by a transporter', async () => {
    const res = await register('carrier1', [drum()]).expect(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
  });

  describe('labels', () => {
    it('verifies a genuine label and refuses a forged one, recording it for the regulator', async () => {
      const res = await register('hospital', [bag()]).expect(201);
      const { qrPayload, code } = res.body.containers[0];
      const ok = await t.http().post('/api/v1/labels/verify').set('Authorization', bearer('carrier1')).send({ payload: qrPayload }).expect(200);
      expect(ok.body.code).toBe(code);

      const forged = qrPayload.replace(code, code.slice(0, -3) + '999');
      const bad = await t.http().post('/api/v1/labels/verify').set('Authorization', bearer('carrier1')).set('X-Device-Id', 'pda-7').send({ payload: forged }).expect(422);
      expect(bad.body.error.code).toBe('LABEL_SIGNATURE_INVALID');
      const [rejection] = await t.db.query(`SELECT * FROM label_rejections ORDER BY id DESC LIMIT 1`);
      expect(rejection).toMatchObject({ reason: 'LABEL_SIGNATURE_INVALID', claimed_code: code.slice(0, -3) + '999', organisation_id: org('carrier1'), device: 'pda-7' });
      const [event] = await t.db.query(`SELECT * FROM events WHERE type = 'label.rejected' ORDER BY server_time DESC LIMIT 1`);
      expect(event.subject_id).toBe(org('carrier1'));

      const garbage = await t.http().post('/api/v1/labels/verify').set('Authorization', bearer('carrier1')).send({ payload: 'hello' }).expect(422);
      expect(garbage.body.error.code).toBe('LABEL_MALFORMED');
    });

    it('renders a label PNG whose QR decodes to the signed payload, an SVG, and a PDF sheet', async () => {
      const res = await register('hospital', [bag(), bag(), bag(), bag(), bag()]).expect(201);
      const [first] = res.body.containers;
      const png = await t.http().get(`/api/v1/containers/${first.id}/label.png`).set('Authorization', bearer('hospital'))
        .buffer(true).parse((r, cb) => { const chunks: Buffer[] = []; r.on('data', (c: Buffer) => chunks.push(c)); r.on('end', () => cb(null, Buffer.concat(chunks))); }).expect(200);
      expect(png.headers['content-type']).toBe('image/png');
      const image = PNG.sync.read(png.body as Buffer);
      const decoded = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
      expect(decoded?.data).toBe(first.qrPayload);

      const svg = await t.http().get(`/api/v1/containers/${first.id}/label.svg`).set('Authorization', bearer('hospital')).buffer(true).parse((r, cb) => { let s = ''; r.on('data', (c: Buffer) => (s += c.toString())); r.on('end', () => cb(null, s)); }).expect(200);
      expect(svg.body as string).toContain('医疗废物');
      expect(svg.body as string).toContain('沙坪坝示范医院');

      const pdf = await t.http().post('/api/v1/label-sheets').set('Authorization', bearer('hospital'))
        .send({ containerIds: res.body.containers.map((c: { id: string }) => c.id) })
        .buffer(true).parse((r, cb) => { const chunks: Buffer[] = []; r.on('data', (c: Buffer) => chunks.push(c)); r.on('end', () => cb(null, Buffer.concat(chunks))); }).expect(201);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      const text = (pdf.body as Buffer).toString('latin1');
      expect(text.startsWith('%PDF')).toBe(true);
      // Five 20-litre labels at four per A4 page: two pages.
      expect(text.match(/\/Type \/Page\b/g)).toHaveLength(2);

      await t.http().get(`/api/v1/containers/${first.id}/label.svg`).set('Authorization', bearer('factory')).expect(404);
    });

    it('publishes the public key without a token', async () => {
      const res = await t.http().get('/api/v1/keys').expect(200);
      expect(res.body.keys[0]).toMatchObject({ algorithm: 'Ed25519' });
      expect(res.body.keys[0].publicKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    });
  });

  describe('storage', () => {
    it('books containers in and out of storage and knows how long they were stored', async () => {
      const res = await register('hospital', [bag(), bag()]).expect(201);
      const labels = res.body.containers.map((c: { qrPayload: string }) => c.qrPayload);
      const stored = await t.http().post(`/api/v1/facilities/${FACILITY.hospital}/stock-in`).set('Authorization', bearer('hospital')).send({ labels }).expect(200);
      expect(stored.body.containers.map((c: { status: string }) => c.status)).toEqual(['stored', 'stored']);
      expect(stored.body.containers[0].storedForHours).toBeGreaterThanOrEqual(0);

      // Pretend it has been in storage for 50 hours.
      await t.db.query(`UPDATE containers SET stored_since = now() - interval '50 hours' WHERE id = $1`, [res.body.containers[0].id]);
      const one = await t.http().get(`/api/v1/containers/${res.body.containers[0].id}`).set('Authorization', bearer('hospital')).expect(200);
      expect(one.body.storedForHours).toBeGreaterThanOrEqual(50);

      const again = await t.http().post(`/api/v1/facilities/${FACILITY.hospital}/stock-in`).set('Authorization', bearer('hospital')).send({ labels: [labels[0]] }).expect(409);
      expect(again.body.error.code).toBe('CONTAINER_TRANSITION_NOT_ALLOWED');
      expect(again.body.error.details).toMatchObject({ current: 'stored', requested: 'stored' });

      const out = await t.http().post(`/api/v1/facilities/${FACILITY.hospital}/stock-out`).set('Authorization', bearer('hospital')).send({ labels }).expect(200);
      expect(out.body.containers.map((c: { status: string }) => c.status)).toEqual(['registered', 'registered']);
      const stays = await t.db.query(`SELECT count(*)::int AS n FROM storage_stays WHERE container_id = ANY($1) AND out_at IS NOT NULL`, [res.body.containers.map((c: { id: string }) => c.id)]);
      expect(stays[0].n).toBe(2);
    });

    it('refuses another unit’s facility and another unit’s containers', async () => {
      const res = await register('hospital', [bag()]).expect(201);
      await t.http().post(`/api/v1/facilities/${FACILITY.factory}/stock-in`).set('Authorization', bearer('hospital')).send({ labels: [res.body.containers[0].qrPayload] }).expect(404);
      const other = await t.http().post(`/api/v1/facilities/${FACILITY.factory}/stock-in`).set('Authorization', bearer('factory')).send({ labels: [res.body.containers[0].qrPayload] }).expect(409);
      expect(other.body.error.code).toBe('CONTAINER_NOT_HELD');
    });
  });

  describe('lineage', () => {
    it('answers what is in this box and which box this bag is in', async () => {
      const bags = await register('hospital', [bag(), bag(), bag()]).expect(201);
      const box = await register('hospital', [bag({ containerType: 'turnover_box', volumeLitres: 100, netWeightKg: 0 })]).expect(201);
      const boxId = box.body.containers[0].id;
      await t.http().post(`/api/v1/containers/${boxId}/pack`).set('Authorization', bearer('hospital'))
        .send({ labels: bags.body.containers.map((c: { qrPayload: string }) => c.qrPayload) }).expect(200);
      const lineage = await t.http().get(`/api/v1/containers/${boxId}/lineage`).set('Authorization', bearer('hospital')).expect(200);
      expect(lineage.body.contents.map((n: { code: string }) => n.code).sort()).toEqual(bags.body.containers.map((c: { code: string }) => c.code).sort());
      const bagLineage = await t.http().get(`/api/v1/containers/${bags.body.containers[0].id}/lineage`).set('Authorization', bearer('hospital')).expect(200);
      expect(bagLineage.body.packedIn.map((n: { id: string }) => n.id)).toEqual([boxId]);

      // Stocking in the box books in everything inside it.
      const stored = await t.http().post(`/api/v1/facilities/${FACILITY.hospital}/stock-in`).set('Authorization', bearer('hospital')).send({ labels: [box.body.containers[0].qrPayload] }).expect(200);
      expect(stored.body.containers).toHaveLength(4);

      // A bag cannot go into a bag.
      const nested = await t.http().post(`/api/v1/containers/${bags.body.containers[0].id}/pack`).set('Authorization', bearer('hospital'))
        .send({ labels: [bags.body.containers[1].qrPayload] }).expect(409);
      expect(nested.body.error.code).toBe('PACKING_NOT_ALLOWED');

      await t.http().post(`/api/v1/containers/${boxId}/unpack`).set('Authorization', bearer('hospital')).send({ labels: [bags.body.containers[0].qrPayload] }).expect(200);
      const after = await t.http().get(`/api/v1/containers/${boxId}/lineage`).set('Authorization', bearer('hospital')).expect(200);
      expect(after.body.contents).toHaveLength(2);
    });

    it('traces a repackaged drum back to the original generators with kg', async () => {
      // Two small units' drums, now held by the collection point (custody moves by manifest; set directly here).
      const a = await register('autorepair', [drum({ netWeightKg: 100 })]).expect(201);
      const b = await register('factory', [drum({ netWeightKg: 60 })]).expect(201);
      const inputs = [a.body.containers[0], b.body.containers[0]];
      await t.db.query(`UPDATE containers SET holder_id = $1, status = 'received' WHERE id = ANY($2)`, [org('collector'), inputs.map((c) => c.id)]);
      const res = await t.http().post('/api/v1/repackagings').set('Authorization', bearer('collector')).send({
        outputs: [{ ...drum({ netWeightKg: 150, generatedAt: '2026-11-28T09:00:00+08:00' }), inputs: [{ label: inputs[0].qrPayload, kg: 95 }, { label: inputs[1].qrPayload, kg: 55 }] }],
      }).expect(201);
      const out = res.body.containers[0];
      expect(out.code.startsWith(DEMO_ORGS.find((o) => o.key === 'collector')!.uscc)).toBe(true);
      const lineage = await t.http().get(`/api/v1/containers/${out.id}/lineage`).set('Authorization', bearer('collector')).expect(200);
      expect(lineage.body.origins.map((n: { organisationId: string; kg: number }) => [n.organisationId, n.kg]).sort()).toEqual(
        [[org('autorepair'), 95], [org('factory'), 55]].sort(),
      );
      const back = await t.http().get(`/api/v1/containers/${inputs[0].id}/lineage`).set('Authorization', bearer('autorepair')).expect(200);
      expect(back.body.wentInto.map((n: { id: string }) => n.id)).toEqual([out.id]);
      const [input] = await t.db.query(`SELECT status FROM containers WHERE id = $1`, [inputs[0].id]);
      expect(input.status).toBe('consolidated');

      const tooMuch = await t.http().post('/api/v1/repackagings').set('Authorization', bearer('collector')).send({
        outputs: [{ ...drum(), inputs: [{ label: out.qrPayload, kg: 500 }] }],
      }).expect(409);
      expect(tooMuch.body.error.code).toBe('REPACKAGING_WEIGHT_EXCEEDED');
    });
  });

  describe('visibility', () => {
    it('shows a container to its generator and the district regulator, not to another unit', async () => {
      const res = await register('clinic', [bag()]).expect(201);
      const id = res.body.containers[0].id;
      await t.http().get(`/api/v1/containers/${id}`).set('Authorization', bearer('clinic')).expect(200);
      await t.http().get(`/api/v1/containers/${id}`).set('Authorization', bearer('regulator')).expect(200);
      const other = await t.http().get(`/api/v1/containers/${id}`).set('Authorization', bearer('factory')).expect(404);
      expect(other.body.error.code).toBe('CONTAINER_NOT_FOUND');
    });
  });
});
