import { runSeeds } from '../seeds/run';
import { FACILITY, bearer, oilDrum, org } from './support/demo';
import { chinaDay, givenGenerator, givenLicence, givenUserToken } from './support/factories';
import { TestApp, startTestApp } from './support/test-app';

interface Registered {
  id: string;
  code: string;
  qrPayload: string;
}

/** 自行利用处置: a unit licensed to treat its own waste records that it did, per container. */
describe('own disposal', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('owndisposal');
    await runSeeds(t.config.databaseUrl, { quiet: true });
  });
  afterAll(() => t.close());

  const register = async (facilityId?: string, kg = 100): Promise<Registered> =>
    (await t.http().post('/api/v1/containers').set('Authorization', bearer('factory')).send({ containers: [oilDrum({ netWeightKg: kg })], ...(facilityId ? { facilityId } : {}) }).expect(201)).body
      .containers[0];
  const dispose = (labels: string[], method = 'D10', key = 'factory') =>
    t.http().post('/api/v1/containers/own-disposal').set('Authorization', bearer(key)).send({ labels, method, note: '厂内焚烧炉 2 号线' });
  const container = async (id: string) => (await t.http().get(`/api/v1/containers/${id}`).set('Authorization', bearer('factory')).expect(200)).body;
  const disposedEvents = async (id: string) =>
    (await t.db.query(`SELECT payload FROM events WHERE subject_id = $1 AND type = 'container.disposed'`, [id])) as { payload: Record<string, unknown> }[];

  it('refuses a unit without a licence for the code, and changes nothing', async () => {
    const drum = await register();
    const refused = await dispose([drum.qrPayload]).set('Accept-Language', 'zh-CN').expect(422);
    expect(refused.body.error.code).toBe('OWN_DISPOSAL_NOT_LICENSED');
    expect(refused.body.error.message).toContain('900-214-08');
    expect(refused.body.error.details).toEqual([expect.objectContaining({ code: 'RECEIVER_NOT_LICENSED' })]);
    expect((await container(drum.id)).status).toBe('registered');
    expect(await disposedEvents(drum.id)).toEqual([]);
  });

  it('refuses a method that is not final, or unknown', async () => {
    const drum = await register();
    expect((await dispose([drum.qrPayload], 'S1').expect(400)).body.error.code).toBe('DISPOSAL_METHOD_INVALID');
    expect((await dispose([drum.qrPayload], 'D99').expect(400)).body.error.code).toBe('DISPOSAL_METHOD_INVALID');
    expect((await dispose([drum.qrPayload], 'incinerate').expect(400)).body.error.code).toBe('VALIDATION_FAILED');
  });

  describe('with a licence covering 废矿物油 (HW08)', () => {
    beforeAll(async () => {
      await givenLicence(t, { id: org('factory'), uscc: '', name: '', divisionCode: '500106', roles: ['generator'] }, 'hw_operating', {
        wasteCategories: ['HW08'],
        annualCapacityTonnes: 0.5,
      });
    });

    it('records the method for a drum in storage and one just registered, in the ledger and the 台账', async () => {
      const stored = await register(FACILITY.factory);
      const loose = await register();
      const res = await dispose([stored.qrPayload, loose.qrPayload]).expect(200);
      for (const c of res.body.containers) expect(c).toMatchObject({ status: 'disposed', ownDisposalMethod: 'D10', facilityId: null, storedSince: null });
      const [stay] = (await t.db.query(`SELECT out_at FROM storage_stays WHERE container_id = $1`, [stored.id])) as { out_at: Date | null }[];
      expect(stay.out_at).not.toBeNull();
      expect(await disposedEvents(stored.id)).toEqual([{ payload: expect.objectContaining({ method: 'D10', ownDisposal: true, from: 'stored', facilityId: FACILITY.factory }) }]);

      const book = await t.http().get('/api/v1/reports/ledger-book').query({ from: chinaDay(-1), to: chinaDay(0), format: 'json' }).set('Authorization', bearer('factory')).expect(200);
      const own = (book.body.rows as { stage: string; code: string; method: string | null }[]).filter((r) => r.stage === 'own_disposal');
      expect(own.map((r) => r.code).sort()).toEqual([stored.code, loose.code].sort());
      for (const r of own) expect(r.method).toMatch(/^D10 /);
      // Disposed is final: doing it again is refused.
      expect((await dispose([loose.qrPayload]).expect(409)).body.error.code).toBe('CONTAINER_TRANSITION_NOT_ALLOWED');
    });

    it("refuses beyond the licence's annual capacity, counting what it already treated, and someone else's container", async () => {
      // 0.2 t treated above; 0.5 t a year: 0.25 t more would pass, 0.35 t does not.
      const heavy = await register(undefined, 350);
      const refused = await dispose([heavy.qrPayload]).expect(422);
      expect(refused.body.error.details).toEqual([expect.objectContaining({ code: 'CAPACITY_EXCEEDED', message_en: expect.stringContaining('0.2 t are committed') })]);
      expect((await container(heavy.id)).status).toBe('registered');
      // The auto-repair shop cannot record the factory's drum as its own.
      expect((await dispose([heavy.qrPayload], 'D10', 'autorepair').expect(409)).body.error.code).toBe('CONTAINER_NOT_HELD');
    });

    it('refuses a drum still on its pallet, and takes the pallet with what is on it', async () => {
      const [pallet] = (
        await t.http().post('/api/v1/containers').set('Authorization', bearer('factory'))
          .send({ containers: [oilDrum({ containerType: 'pallet', volumeLitres: 1000, netWeightKg: 0 })] }).expect(201)
      ).body.containers as Registered[];
      const drum = await register(undefined, 50);
      await t.http().post(`/api/v1/containers/${pallet.id}/pack`).set('Authorization', bearer('factory')).send({ labels: [drum.qrPayload] }).expect(200);
      const alone = await dispose([drum.qrPayload]).expect(409);
      expect(alone.body.error).toMatchObject({ code: 'CONTAINER_TRANSITION_NOT_ALLOWED', details: { code: drum.code, packedIn: pallet.id } });
      const both = await dispose([pallet.qrPayload]).expect(200);
      expect(both.body.containers.map((c: { id: string; status: string }) => [c.id, c.status]).sort()).toEqual([[pallet.id, 'disposed'], [drum.id, 'disposed']].sort());
    });
  });

  it('adds up the waste codes of one request against the capacity', async () => {
    // 0.3 t a year for two categories: 0.2 t of each fits alone, not together.
    const unit = await givenGenerator(t, { division: '500106' });
    const admin = await givenUserToken(t, unit, 'admin');
    await givenLicence(t, unit, 'hw_operating', { wasteCategories: ['HW08', 'HW49'], annualCapacityTonnes: 0.3 });
    const drums = (
      await t.http().post('/api/v1/containers').set(admin.auth)
        .send({ containers: [oilDrum({ netWeightKg: 200 }), oilDrum({ wasteCode: '900-041-49', wasteName: '含油废抹布', physicalForm: 'solid', netWeightKg: 200 })] }).expect(201)
    ).body.containers as Registered[];
    const refused = await t.http().post('/api/v1/containers/own-disposal').set(admin.auth).send({ labels: drums.map((d) => d.qrPayload), method: 'D10' }).expect(422);
    expect(refused.body.error.details).toEqual([expect.objectContaining({ code: 'CAPACITY_EXCEEDED' })]);
    await t.http().post('/api/v1/containers/own-disposal').set(admin.auth).send({ labels: [drums[0].qrPayload], method: 'D10' }).expect(200);
  });
});
