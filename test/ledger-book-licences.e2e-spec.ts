import { randomUUID } from 'node:crypto';
import { DEMO_LICENCES } from '../seeds/demo-district';
import { runSeeds } from '../seeds/run';
import { CARRIER1_LEG, bearer, oilDrum, org } from './support/demo';
import { chinaDay, givenLicence } from './support/factories';
import { TestApp, startTestApp } from './support/test-app';

/**
 * The 台账 names the receiver's licence that was in force when the waste arrived. A licence
 * replaced later must not rewrite the rows written under it: the book is evidence of what was.
 */
describe('台账: the receiver licence in force at the time', () => {
  let t: TestApp;
  const kilnLicence = DEMO_LICENCES.find((l) => l.orgKey === 'cementkiln' && l.kind === 'hw_operating')!;

  beforeAll(async () => {
    t = await startTestApp('ledgerbooklicences');
    await runSeeds(t.config.databaseUrl, { quiet: true });
  });
  afterAll(() => t.close());

  /** One drum from the factory, carried and received by the cement kiln now. */
  async function deliver(): Promise<string> {
    const [drum] = (await t.http().post('/api/v1/containers').set('Authorization', bearer('factory')).send({ containers: [oilDrum()] }).expect(201)).body.containers;
    const id = (
      await t.http().post('/api/v1/manifests').set('Authorization', bearer('factory')).send({
        receiverId: org('cementkiln'), legs: [CARRIER1_LEG], containerIds: [drum.id], emergencyMeasures: '围堵、吸附、报告',
        plannedStart: new Date().toISOString(), plannedEnd: new Date(Date.now() + 3_600_000).toISOString(),
      }).expect(201)
    ).body.id;
    await t.http().post(`/api/v1/manifests/${id}/submit`).set('Authorization', bearer('factory')).expect(200);
    const scan = (key: string, kind: string) =>
      t.http().post('/api/v1/scans').set('Authorization', bearer(key))
        .send({ idempotencyKey: randomUUID(), deviceId: `${key}-pda`, deviceTime: new Date().toISOString(), kind, manifestId: id, label: drum.qrPayload })
        .expect(201);
    await scan('carrier1', 'load');
    await t.http().post(`/api/v1/manifests/${id}/depart`).set('Authorization', bearer('carrier1')).expect(200);
    await scan('cementkiln', 'arrive');
    return drum.code as string;
  }

  it('shows the old number on what arrived before the licence was replaced, and the new one after', async () => {
    const before = await deliver();
    const [{ id: licenceId }] = (await t.db.query(`SELECT id FROM licences_current WHERE organisation_id = $1 AND kind = 'hw_operating'`, [org('cementkiln')])) as { id: string }[];
    const renewed = `渝危废经第${new Date().getUTCFullYear()}077号`;
    await t.http().post(`/api/v1/licences/${licenceId}/supersede`).set('Authorization', bearer('cementkiln')).send({
      number: renewed, validFrom: kilnLicence.from, validTo: kilnLicence.to, modes: kilnLicence.modes,
      wasteCategories: kilnLicence.categories, wasteCodes: kilnLicence.codes, annualCapacityTonnes: kilnLicence.capacity,
    }).expect(201);
    const after = await deliver();

    const book = await t.http().get('/api/v1/reports/ledger-book').query({ from: chinaDay(-1), to: chinaDay(0), format: 'json' }).set('Authorization', bearer('cementkiln')).expect(200);
    const received = new Map((book.body.rows as { stage: string; code: string; receiverLicence: string | null }[]).filter((r) => r.stage === 'received').map((r) => [r.code, r.receiverLicence]));
    expect(received.get(before)).toBe(kilnLicence.number);
    expect(received.get(after)).toBe(renewed);
    // The generator's book says the same of its hand-overs.
    const factory = await t.http().get('/api/v1/reports/ledger-book').query({ from: chinaDay(-1), to: chinaDay(0), format: 'json' }).set('Authorization', bearer('factory')).expect(200);
    const handovers = new Map((factory.body.rows as { stage: string; code: string; receiverLicence: string | null }[]).filter((r) => r.stage === 'handover').map((r) => [r.code, r.receiverLicence]));
    expect(handovers.get(before)).toBe(kilnLicence.number);
    expect(handovers.get(after)).toBe(renewed);
  });

  it('names the licence covering the waste, not another licence of the receiver recorded later', async () => {
    // A second licence, for medical waste only (HW01), recorded after the renewal above.
    await givenLicence(t, { id: org('cementkiln'), uscc: '', name: '', divisionCode: '500106', roles: ['receiver'] }, 'hw_operating', {
      number: '渝危废经第医疗001号',
      wasteCategories: ['HW01'],
    });
    const code = await deliver();
    const book = await t.http().get('/api/v1/reports/ledger-book').query({ from: chinaDay(-1), to: chinaDay(0), format: 'json' }).set('Authorization', bearer('cementkiln')).expect(200);
    const row = (book.body.rows as { stage: string; code: string; receiverLicence: string | null }[]).find((r) => r.stage === 'received' && r.code === code)!;
    expect(row.receiverLicence).toMatch(/^渝危废经第\d{4}077号$/);
  });

  it('leaves the cell empty for a receiver with no licence in force that day', async () => {
    // The kiln's licences made to end long before today: an edit of the append-only table only a test may make.
    const code = await deliver();
    await t.db.query(`ALTER TABLE licences DISABLE TRIGGER licences_append_only`);
    try {
      await t.db.query(`UPDATE licences SET valid_to = valid_from WHERE organisation_id = $1`, [org('cementkiln')]);
      const book = await t.http().get('/api/v1/reports/ledger-book').query({ from: chinaDay(-1), to: chinaDay(0), format: 'json' }).set('Authorization', bearer('cementkiln')).expect(200);
      expect(book.body.rows.find((r: { stage: string; code: string }) => r.stage === 'received' && r.code === code).receiverLicence).toBeNull();
    } finally {
      await t.db.query(`ALTER TABLE licences ENABLE TRIGGER licences_append_only`);
    }
  });
});
