import type { INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ContainersService } from '@app/containers';
import { withUsccCheckCharacter } from '@app/parties';
import { LedgerDrain, RuleCode, SweepService, startReconciliationWorker } from '@app/reconciliation';
import { DEMO_LICENCES, DEMO_ORGS, DEMO_USERS } from '../seeds/demo-district';
import { runSeeds } from '../seeds/run';
import { CARRIER1_LEG, CARRIER2_LEG, FACILITY, bearer, medicalBag, oilDrum, org } from './support/demo';
import { TestApp, startTestApp, testConfig } from './support/test-app';

/**
 * One test per reconciliation rule: the situation is built through the API (time passing is played
 * by moving a timestamp back in the database, then sweeping), the alert is seen through the API, and
 * the situation is put right (or, for evidence of tampering, a regulator resolves it) and the alert
 * is seen resolved.
 */

interface Registered {
  id: string;
  code: string;
  qrPayload: string;
}

interface AlertJson {
  id: string;
  rule: string;
  status: string;
  subjectId: string;
  organisationId: string;
  resolvedAutomatically: boolean | null;
  source: string;
  details: Record<string, unknown>;
}

const PLATFORM = `Bearer ${DEMO_USERS.find((u) => u.role === 'platform_admin')!.token}`;
const year = new Date().getUTCFullYear();
const day = (offset: number): string => new Date(Date.now() + 8 * 3600_000 + offset * 86_400_000).toISOString().slice(0, 10);
const ago = (minutes: number): string => new Date(Date.now() - minutes * 60_000).toISOString();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('reconciliation rules', () => {
  let t: TestApp;
  let worker: INestApplicationContext;

  beforeAll(async () => {
    t = await startTestApp('recrules');
    await runSeeds(t.config.databaseUrl, { quiet: true });
    worker = await startReconciliationWorker(testConfig({ DATABASE_URL: t.config.databaseUrl, QUEUE_PREFIX: t.config.queuePrefix }), { schedule: false });
  });
  afterAll(async () => {
    await worker.close();
    await t.close();
  });

  const http = () => t.http();
  const register = async (key: string, containers: unknown[], facilityId?: string): Promise<Registered[]> =>
    (await http().post('/api/v1/containers').set('Authorization', bearer(key)).send({ containers, ...(facilityId ? { facilityId } : {}) }).expect(201)).body.containers;
  const draft = (key: string, body: Record<string, unknown>) =>
    http()
      .post('/api/v1/manifests')
      .set('Authorization', bearer(key))
      .send({ emergencyMeasures: '泄漏时用吸附棉围堵，拨打 12369。', plannedStart: new Date().toISOString(), plannedEnd: new Date(Date.now() + 4 * 3_600_000).toISOString(), ...body });
  const act = (key: string, id: string, step: string, body: object = {}) => http().post(`/api/v1/manifests/${id}/${step}`).set('Authorization', bearer(key)).send(body);
  const scan = (key: string, body: Record<string, unknown>) =>
    http().post('/api/v1/scans').set('Authorization', bearer(key)).send({ idempotencyKey: randomUUID(), deviceId: `${key}-pda`, deviceTime: new Date().toISOString(), ...body });
  const sweep = (rule: RuleCode) => worker.get(SweepService).sweep(rule);
  /** The event-driven path has judged everything committed so far (a run already going may predate it: run twice). */
  const drained = async (): Promise<void> => {
    await worker.get(LedgerDrain).drain();
    await worker.get(LedgerDrain).drain();
  };

  /** Drums of the factory on a submitted manifest to the cement kiln, carried by carrier 1. */
  async function shipDrums(n = 1, over: Record<string, unknown> = {}): Promise<{ drums: Registered[]; manifestId: string }> {
    const drums = await register('factory', Array.from({ length: n }, () => oilDrum(over)));
    const manifestId = (await draft('factory', { receiverId: org('cementkiln'), legs: [CARRIER1_LEG], containerIds: drums.map((d) => d.id) }).expect(201)).body.id;
    await act('factory', manifestId, 'submit').expect(200);
    return { drums, manifestId };
  }

  /** Loaded, departed, arrived and accepted by the kiln. */
  async function deliverDrum(decision: 'accepted' | 'refused' = 'accepted'): Promise<{ drum: Registered; manifestId: string }> {
    const { drums, manifestId } = await shipDrums();
    await scan('carrier1', { kind: 'load', manifestId, label: drums[0].qrPayload, deviceTime: ago(60) }).expect(201);
    await act('carrier1', manifestId, 'depart').expect(200);
    await scan('cementkiln', { kind: 'arrive', manifestId, label: drums[0].qrPayload, weightKg: 180, deviceTime: ago(5) }).expect(201);
    await act('cementkiln', manifestId, 'receipt', {
      decisions: [{ containerId: drums[0].id, decision, ...(decision === 'refused' ? { reason: '包装破损' } : {}) }],
    }).expect(200);
    return { drum: drums[0], manifestId };
  }

  /** The regulator's view of the newest alert of a rule about a subject, waited for until `until` holds. */
  async function alertOf(rule: RuleCode, subjectId: string, until: (a: AlertJson | undefined) => boolean = (a) => a?.status === 'open'): Promise<AlertJson | undefined> {
    const deadline = Date.now() + 5_000;
    let alert: AlertJson | undefined;
    for (;;) {
      const res = await http().get('/api/v1/alerts').query({ rule, subjectId, limit: 1 }).set('Authorization', bearer('regulator')).expect(200);
      alert = res.body.alerts[0] as AlertJson | undefined;
      if (until(alert) || Date.now() > deadline) return alert;
      await sleep(50);
    }
  }
  const resolvedAutomatically = (a: AlertJson | undefined): boolean => a?.status === 'resolved' && a.resolvedAutomatically === true;

  async function resolveAsRegulator(alertId: string, note = '现场核查完毕，已处理。'): Promise<void> {
    await http().post(`/api/v1/alerts/${alertId}/resolve`).set('Authorization', bearer('regulator')).send({ note }).expect(200);
  }

  /** A regulator's resolution holds: sweeping again does not reopen the same occurrence. */
  async function expectStaysResolved(rule: RuleCode, subjectId: string): Promise<void> {
    await sweep(rule);
    const [{ open }] = (await t.db.query(`SELECT count(*)::int AS open FROM alerts WHERE rule = $1 AND subject_id = $2 AND status <> 'resolved'`, [rule, subjectId])) as {
      open: number;
    }[];
    expect(open).toBe(0);
  }

  async function supersede(licenceId: string, key: string, content: Record<string, unknown>): Promise<string> {
    const res = await http().post(`/api/v1/licences/${licenceId}/supersede`).set('Authorization', bearer(key)).send(content).expect(201);
    return res.body.id as string;
  }
  const demoLicence = (orgKey: string, kind: string) => DEMO_LICENCES.find((l) => l.orgKey === orgKey && l.kind === kind)!;
  async function currentLicenceId(organisationId: string, kind: string): Promise<string> {
    const [row] = (await t.db.query(`SELECT id FROM licences_current WHERE organisation_id = $1 AND kind = $2 AND vehicle_id IS NULL AND driver_id IS NULL`, [organisationId, kind])) as {
      id: string;
    }[];
    return row.id;
  }
  const kilnLicence = (over: Record<string, unknown> = {}) => {
    const l = demoLicence('cementkiln', 'hw_operating');
    return { number: `${l.number}-${randomUUID().slice(0, 6)}`, validFrom: l.from, validTo: l.to, modes: l.modes, wasteCategories: l.categories, wasteCodes: l.codes, annualCapacityTonnes: l.capacity, ...over };
  };

  const setThresholds = (rule: RuleCode, params: Record<string, number>, divisionPrefix = '500106') =>
    http().put(`/api/v1/alert-rules/${rule}/thresholds`).set('Authorization', PLATFORM).send({ divisionPrefix, params }).expect(200);

  it('1. IN_TRANSIT_TOO_LONG: loaded, not received after 24 h; clears on arrival', async () => {
    const { drums, manifestId } = await shipDrums();
    await scan('carrier1', { kind: 'load', manifestId, label: drums[0].qrPayload, deviceTime: ago(30) }).expect(201);
    await act('carrier1', manifestId, 'depart').expect(200);
    await sweep('IN_TRANSIT_TOO_LONG');
    await drained();
    expect(await alertOf('IN_TRANSIT_TOO_LONG', drums[0].id, () => true)).toBeUndefined();

    // A day and a half on the road, which no event announces: the sweep finds it.
    await t.db.query(`UPDATE manifest_items SET loaded_at = now() - interval '36 hours' WHERE manifest_id = $1`, [manifestId]);
    await sweep('IN_TRANSIT_TOO_LONG');
    const alert = await alertOf('IN_TRANSIT_TOO_LONG', drums[0].id);
    expect(alert).toMatchObject({ status: 'open', source: 'sweep', organisationId: org('carrier1'), details: expect.objectContaining({ manifestId, limitHours: 24 }) });

    await scan('cementkiln', { kind: 'arrive', manifestId, label: drums[0].qrPayload, weightKg: 180 }).expect(201);
    expect(await alertOf('IN_TRANSIT_TOO_LONG', drums[0].id, resolvedAutomatically)).toMatchObject({ status: 'resolved', resolvedAutomatically: true });
  });

  it('2. LISTED_NOT_LOADED: a drum left behind is flagged at departure; its late loading scan clears it', async () => {
    const { drums, manifestId } = await shipDrums(2);
    await scan('carrier1', { kind: 'load', manifestId, label: drums[0].qrPayload, deviceTime: ago(20) }).expect(201);
    await act('carrier1', manifestId, 'depart').expect(200);

    const alert = await alertOf('LISTED_NOT_LOADED', drums[1].id);
    expect(alert).toMatchObject({ status: 'open', source: 'event', organisationId: org('factory') });
    expect(await alertOf('LISTED_NOT_LOADED', drums[0].id, () => true)).toBeUndefined();

    // The driver's PDA was offline: the loading scan arrives later, dated before departure.
    await scan('carrier1', { kind: 'load', manifestId, label: drums[1].qrPayload, deviceTime: ago(19) }).expect(201);
    expect(await alertOf('LISTED_NOT_LOADED', drums[1].id, resolvedAutomatically)).toMatchObject({ id: alert!.id, status: 'resolved' });
  });

  it('3. ARRIVED_WITHOUT_LOADING: arrival with no loading scan; the loading scan uploaded later clears it', async () => {
    const { drums, manifestId } = await shipDrums();
    await scan('cementkiln', { kind: 'arrive', manifestId, label: drums[0].qrPayload, weightKg: 180, deviceTime: ago(10) }).expect(201);
    expect(await alertOf('ARRIVED_WITHOUT_LOADING', drums[0].id)).toMatchObject({ status: 'open', organisationId: org('carrier1') });

    await scan('carrier1', { kind: 'load', manifestId, label: drums[0].qrPayload, deviceTime: ago(90) }).expect(201);
    expect(await alertOf('ARRIVED_WITHOUT_LOADING', drums[0].id, resolvedAutomatically)).toBeDefined();
  });

  it('4. WEIGHT_DISCREPANCY: a drum weighing 60 kg less; resolved by the regulator, or cleared by a district tolerance', async () => {
    const { drums, manifestId } = await shipDrums(2);
    for (const d of drums) await scan('carrier1', { kind: 'load', manifestId, label: d.qrPayload, deviceTime: ago(60) }).expect(201);
    await act('carrier1', manifestId, 'depart').expect(200);
    await scan('cementkiln', { kind: 'arrive', manifestId, label: drums[0].qrPayload, weightKg: 120, deviceTime: ago(3) }).expect(201);
    await scan('cementkiln', { kind: 'arrive', manifestId, label: drums[1].qrPayload, weightKg: 150, deviceTime: ago(2) }).expect(201);

    const first = await alertOf('WEIGHT_DISCREPANCY', drums[0].id);
    expect(first).toMatchObject({ status: 'open', details: expect.objectContaining({ declaredKg: 180, measuredKg: 120 }) });
    await resolveAsRegulator(first!.id, '产生单位申报时误将桶重计入，已要求更正台账。');
    await expectStaysResolved('WEIGHT_DISCREPANCY', drums[0].id);

    // 沙坪坝 decides that 20% is tolerable for drums: the 30 kg (17%) difference clears by itself.
    expect(await alertOf('WEIGHT_DISCREPANCY', drums[1].id)).toMatchObject({ status: 'open' });
    await setThresholds('WEIGHT_DISCREPANCY', { toleranceRatio: 0.2 });
    await sweep('WEIGHT_DISCREPANCY');
    expect(await alertOf('WEIGHT_DISCREPANCY', drums[1].id, resolvedAutomatically)).toBeDefined();
    await setThresholds('WEIGHT_DISCREPANCY', { toleranceRatio: 0.05 });
  });

  it('5a. NO_FINAL_OPERATION: accepted 40 days ago and never disposed of; clears when the method is recorded', async () => {
    const { drum, manifestId } = await deliverDrum();
    await act('cementkiln', manifestId, 'confirm').expect(200);
    await t.db.query(`UPDATE manifest_items SET decided_at = now() - interval '40 days' WHERE manifest_id = $1`, [manifestId]);
    await sweep('NO_FINAL_OPERATION');
    expect(await alertOf('NO_FINAL_OPERATION', drum.id)).toMatchObject({ status: 'open', organisationId: org('cementkiln') });

    await act('cementkiln', manifestId, 'final-operations', { operations: [{ containerId: drum.id, method: 'C1' }] }).expect(200);
    expect(await alertOf('NO_FINAL_OPERATION', drum.id, resolvedAutomatically)).toBeDefined();
  });

  it('5b. RECEIPT_NOT_CONFIRMED_IN_TIME: past the 5-working-day deadline; clears on confirmation', async () => {
    const { manifestId } = await deliverDrum();
    await t.db.query(`UPDATE manifests SET confirm_deadline = $2 WHERE id = $1`, [manifestId, day(-1)]);
    await sweep('RECEIPT_NOT_CONFIRMED_IN_TIME');
    expect(await alertOf('RECEIPT_NOT_CONFIRMED_IN_TIME', manifestId)).toMatchObject({ status: 'open', organisationId: org('cementkiln') });

    await act('cementkiln', manifestId, 'confirm').expect(200);
    expect(await alertOf('RECEIPT_NOT_CONFIRMED_IN_TIME', manifestId, resolvedAutomatically)).toBeDefined();
  });

  it('6. STORED_TOO_LONG: a bag kept 3 days at the hospital, a drum 400 days at the factory; shipping clears them', async () => {
    const [bag] = await register('hospital', [medicalBag({ generatedAt: ago(3 * 24 * 60) })], FACILITY.hospital);
    const [drum] = await register('factory', [oilDrum({ generatedAt: ago(400 * 24 * 60) })], FACILITY.factory);
    expect(await alertOf('STORED_TOO_LONG', bag.id)).toMatchObject({ status: 'open', source: 'event', organisationId: org('hospital'), details: expect.objectContaining({ medical: true, limitHours: 48 }) });
    expect(await alertOf('STORED_TOO_LONG', drum.id)).toMatchObject({ status: 'open', details: expect.objectContaining({ medical: false, limitHours: 365 * 24 }) });

    const run = (await draft('hospital', { receiverId: org('incinerator'), legs: [CARRIER2_LEG], containerIds: [bag.id] }).expect(201)).body.id;
    await act('hospital', run, 'submit').expect(200);
    await scan('carrier2', { kind: 'load', manifestId: run, label: bag.qrPayload }).expect(201);
    expect(await alertOf('STORED_TOO_LONG', bag.id, resolvedAutomatically)).toBeDefined();
    expect(await alertOf('STORED_TOO_LONG', drum.id)).toMatchObject({ status: 'open' });
  });

  it('7a. RECEIVER_UNLICENSED: the kiln’s licence is narrowed while a drum is on its way; restored, it clears', async () => {
    const { manifestId } = await shipDrums();
    const current = await currentLicenceId(org('cementkiln'), 'hw_operating');
    const narrowed = await supersede(current, 'cementkiln', kilnLicence({ wasteCategories: ['HW17', 'HW18'] }));
    await sweep('RECEIVER_UNLICENSED');
    expect(await alertOf('RECEIVER_UNLICENSED', manifestId)).toMatchObject({
      status: 'open',
      organisationId: org('cementkiln'),
      details: expect.objectContaining({ uncoveredWasteCodes: ['900-214-08'] }),
    });

    await supersede(narrowed, 'cementkiln', kilnLicence());
    await sweep('RECEIVER_UNLICENSED');
    expect(await alertOf('RECEIVER_UNLICENSED', manifestId, resolvedAutomatically)).toBeDefined();
  });

  it('7b. LICENCE_EXPIRED: the kiln’s licence in force ended yesterday; renewed, it clears', async () => {
    const { manifestId } = await shipDrums();
    const current = await currentLicenceId(org('cementkiln'), 'hw_operating');
    const lapsed = await supersede(current, 'cementkiln', kilnLicence({ validTo: day(-1) }));
    await sweep('LICENCE_EXPIRED');
    const alert = await alertOf('LICENCE_EXPIRED', manifestId);
    expect(alert).toMatchObject({ status: 'open', organisationId: org('cementkiln') });
    expect(alert!.details.problems).toEqual([expect.objectContaining({ party: 'receiver', licenceKind: 'hw_operating', for: '900-214-08' })]);
    expect(await alertOf('RECEIVER_UNLICENSED', manifestId, () => true)).toBeUndefined();

    await supersede(lapsed, 'cementkiln', kilnLicence());
    await sweep('LICENCE_EXPIRED');
    expect(await alertOf('LICENCE_EXPIRED', manifestId, resolvedAutomatically)).toBeDefined();
  });

  it('7c. CAPACITY_EXCEEDED: committed tonnes above a reduced annual capacity; a larger licence clears it', async () => {
    await shipDrums();
    const current = await currentLicenceId(org('cementkiln'), 'hw_operating');
    const small = await supersede(current, 'cementkiln', kilnLicence({ annualCapacityTonnes: 0.1 }));
    await sweep('CAPACITY_EXCEEDED');
    const alert = await alertOf('CAPACITY_EXCEEDED', org('cementkiln'));
    expect(alert).toMatchObject({ status: 'open', details: expect.objectContaining({ annualCapacityTonnes: 0.1, year }) });

    await supersede(small, 'cementkiln', kilnLicence());
    await sweep('CAPACITY_EXCEEDED');
    expect(await alertOf('CAPACITY_EXCEEDED', org('cementkiln'), resolvedAutomatically)).toBeDefined();
  });

  it('7d. CARRIER_UNLICENSED: the medical carrier’s permit stops covering class 6.2 mid-run; restored, it clears', async () => {
    const [bag] = await register('hospital', [medicalBag()]);
    const run = (await draft('hospital', { receiverId: org('incinerator'), legs: [CARRIER2_LEG], containerIds: [bag.id] }).expect(201)).body.id;
    await act('hospital', run, 'submit').expect(200);
    const l = demoLicence('carrier2', 'road_transport');
    const content = (classes: string[]) => ({ number: `${l.number}-${randomUUID().slice(0, 6)}`, validFrom: l.from, validTo: l.to, dangerousGoodsClasses: classes });
    const current = await currentLicenceId(org('carrier2'), 'road_transport');
    const wrong = await supersede(current, 'carrier2', content(['3']));
    await sweep('CARRIER_UNLICENSED');
    const alert = await alertOf('CARRIER_UNLICENSED', run);
    expect(alert).toMatchObject({ status: 'open', organisationId: org('carrier2') });
    expect(alert!.details.problems).toEqual([expect.objectContaining({ licenceKind: 'road_transport', problem: 'class_6.2_not_covered' })]);

    await supersede(wrong, 'carrier2', content(['6.2']));
    await sweep('CARRIER_UNLICENSED');
    expect(await alertOf('CARRIER_UNLICENSED', run, resolvedAutomatically)).toBeDefined();
  });

  it('8a. CLONED_LABEL: the same label scanned in 沙坪坝 and Chengdu three minutes apart; the regulator resolves it', async () => {
    const { drums, manifestId } = await shipDrums();
    await scan('carrier1', { kind: 'load', manifestId, label: drums[0].qrPayload, deviceTime: ago(6), lat: 29.5936, lng: 106.3351 }).expect(201);
    // A copy of the label turns up 250 km away: refused (already loaded), but recorded, and that is enough.
    await scan('carrier1', { kind: 'load', manifestId, label: drums[0].qrPayload, deviceId: 'pda-elsewhere', deviceTime: ago(3), lat: 30.6598, lng: 104.0657 }).expect(409);
    const alert = await alertOf('CLONED_LABEL', drums[0].id);
    expect(alert).toMatchObject({ status: 'open', source: 'event', organisationId: org('factory') });
    expect((alert!.details.pairs as { km: number }[])[0].km).toBeGreaterThan(200);

    await resolveAsRegulator(alert!.id, '已收缴成都发现的复制标签，立案调查。');
    await expectStaysResolved('CLONED_LABEL', drums[0].id);
  });

  it('8b. LABEL_FORGED: a label whose signature fails; a second forgery after resolution raises a new alert', async () => {
    const [drum] = await register('factory', [oilDrum()]);
    const forged = drum.qrPayload.slice(0, -4) + (drum.qrPayload.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    await http().post('/api/v1/labels/verify').set('Authorization', bearer('incinerator')).send({ payload: forged }).expect(422);
    const alert = await alertOf('LABEL_FORGED', org('incinerator'));
    expect(alert).toMatchObject({ status: 'open', details: expect.objectContaining({ rejections: 1 }) });

    await resolveAsRegulator(alert!.id);
    await expectStaysResolved('LABEL_FORGED', org('incinerator'));
    await http().post('/api/v1/labels/verify').set('Authorization', bearer('incinerator')).send({ payload: forged }).expect(422);
    const again = await alertOf('LABEL_FORGED', org('incinerator'));
    expect(again).toMatchObject({ status: 'open', details: expect.objectContaining({ rejections: 1 }) });
    expect(again!.id).not.toBe(alert!.id);
  });

  it('8c. CODE_NEVER_ISSUED: a correctly signed label for a code never issued; resolved by the regulator', async () => {
    const uscc = DEMO_ORGS.find((o) => o.key === 'factory')!.uscc;
    const payload = t.app.get(ContainersService).qrPayload(`${uscc}90021408${day(0).replace(/-/g, '')}999`);
    await http().post('/api/v1/labels/verify').set('Authorization', bearer('cementkiln')).send({ payload }).expect(422);
    const alert = await alertOf('CODE_NEVER_ISSUED', org('cementkiln'));
    expect(alert).toMatchObject({ status: 'open', organisationId: org('cementkiln') });
    await resolveAsRegulator(alert!.id, '签名密钥已轮换。');
    await expectStaysResolved('CODE_NEVER_ISSUED', org('cementkiln'));
  });

  it('9. EVENTS_OUT_OF_ORDER: loaded two hours before it was labelled; resolved by the regulator', async () => {
    const { drums, manifestId } = await shipDrums();
    await scan('carrier1', { kind: 'load', manifestId, label: drums[0].qrPayload, deviceTime: ago(120) }).expect(201);
    const alert = await alertOf('EVENTS_OUT_OF_ORDER', drums[0].id);
    expect(alert).toMatchObject({ status: 'open', organisationId: org('carrier1') });
    expect(alert!.details.reasons).toEqual([expect.objectContaining({ reason: 'scanned_before_labelled' })]);

    await resolveAsRegulator(alert!.id, '司机终端时钟错误，已校准。');
    await expectStaysResolved('EVENTS_OUT_OF_ORDER', drums[0].id);
  });

  it('10a. ORPHAN_CONTAINER: labelled ten days ago and never stored or shipped; booking it into storage clears it', async () => {
    const [drum] = await register('lab', [oilDrum({ wasteCode: '900-047-49', wasteName: '实验室废液' })]);
    await t.db.query(`UPDATE containers SET updated_at = now() - interval '10 days' WHERE id = $1`, [drum.id]);
    await sweep('ORPHAN_CONTAINER');
    expect(await alertOf('ORPHAN_CONTAINER', drum.id)).toMatchObject({ status: 'open', organisationId: org('lab') });

    await http().post(`/api/v1/facilities/${FACILITY.lab}/stock-in`).set('Authorization', bearer('lab')).send({ labels: [drum.qrPayload] }).expect(200);
    expect(await alertOf('ORPHAN_CONTAINER', drum.id, resolvedAutomatically)).toBeDefined();
  });

  it('10b. MASS_BALANCE_OPEN: kg unaccounted for at the collection point, cleared when booked in; kg lost in repackaging', async () => {
    const [drum] = await register('collector', [oilDrum({ netWeightKg: 100 })]);
    await t.db.query(`UPDATE containers SET updated_at = now() - interval '10 days' WHERE id = $1`, [drum.id]);
    await sweep('MASS_BALANCE_OPEN');
    const open = await alertOf('MASS_BALANCE_OPEN', org('collector'));
    expect(open).toMatchObject({ status: 'open', details: { wasteCodes: [expect.objectContaining({ wasteCode: '900-214-08', unaccountedKg: 100 })] } });

    await http().post(`/api/v1/facilities/${FACILITY.collector}/stock-in`).set('Authorization', bearer('collector')).send({ labels: [drum.qrPayload] }).expect(200);
    await sweep('MASS_BALANCE_OPEN');
    expect(await alertOf('MASS_BALANCE_OPEN', org('collector'), resolvedAutomatically)).toMatchObject({ id: open!.id });

    // Two 100 kg drums repackaged into one of 150 kg: 50 kg went nowhere.
    const inputs = await register('collector', [oilDrum({ netWeightKg: 100 }), oilDrum({ netWeightKg: 100 })]);
    await http()
      .post('/api/v1/repackagings')
      .set('Authorization', bearer('collector'))
      .send({ facilityId: FACILITY.collector, outputs: [{ ...oilDrum({ netWeightKg: 150 }), inputs: inputs.map((i) => ({ label: i.qrPayload, kg: 75 })) }] })
      .expect(201);
    await sweep('MASS_BALANCE_OPEN');
    const lost = await alertOf('MASS_BALANCE_OPEN', org('collector'));
    expect(lost).toMatchObject({ status: 'open', details: { wasteCodes: [expect.objectContaining({ unaccountedKg: 50 })] } });
    await resolveAsRegulator(lost!.id, '挥发损耗，已核实。');
    await expectStaysResolved('MASS_BALANCE_OPEN', org('collector'));
  });

  it('11. REFUSED_WITHOUT_ONWARD: a refused drum with no return manifest (district limit 0 h); the return manifest clears it', async () => {
    await setThresholds('REFUSED_WITHOUT_ONWARD', { graceHours: 0 });
    try {
      const { drum, manifestId } = await deliverDrum('refused');
      expect(await alertOf('REFUSED_WITHOUT_ONWARD', drum.id)).toMatchObject({ status: 'open', organisationId: org('cementkiln') });
      await act('cementkiln', manifestId, 'confirm').expect(200);
      await draft('cementkiln', { receiverId: org('factory'), legs: [CARRIER1_LEG], containerIds: [drum.id], parentId: manifestId, relation: 'return' }).expect(201);
      expect(await alertOf('REFUSED_WITHOUT_ONWARD', drum.id, resolvedAutomatically)).toBeDefined();
    } finally {
      await setThresholds('REFUSED_WITHOUT_ONWARD', { graceHours: 72 });
    }
  });

  it('12. CROSS_PROVINCE_WITHOUT_APPROVAL: an approval that outlasts the Chengdu receiver’s licence; a renewed licence clears it', async () => {
    const chengdu = await createChengduReceiver();
    const licence = await http()
      .post(`/api/v1/organisations/${chengdu}/licences`)
      .set('Authorization', PLATFORM)
      .send({ kind: 'hw_operating', number: `川危废经${randomUUID().slice(0, 6)}`, validFrom: day(-100), validTo: day(30), modes: ['收集', '利用'], wasteCategories: ['HW08'], annualCapacityTonnes: 1000 })
      .expect(201);
    const approval = await http()
      .post('/api/v1/approvals')
      .set('Authorization', bearer('factory'))
      .send({ number: `渝川审${randomUUID().slice(0, 8)}`, generatorId: org('factory'), receiverId: chengdu, wasteCodes: ['900-214-08'], tonnes: 10, validFrom: day(-1), validTo: day(300) })
      .expect(201);
    const [drum] = await register('factory', [oilDrum()]);
    const manifestId = (await draft('factory', { receiverId: chengdu, legs: [CARRIER1_LEG], containerIds: [drum.id], approvalId: approval.body.id }).expect(201)).body.id;
    await act('factory', manifestId, 'submit').expect(200);

    const alert = await alertOf('CROSS_PROVINCE_WITHOUT_APPROVAL', manifestId);
    expect(alert).toMatchObject({ status: 'open', source: 'event', organisationId: org('factory'), details: expect.objectContaining({ problem: 'outlasts_receiver_licence' }) });

    await http()
      .post(`/api/v1/licences/${licence.body.id}/supersede`)
      .set('Authorization', PLATFORM)
      .send({ number: `川危废经${randomUUID().slice(0, 6)}`, validFrom: day(-100), validTo: day(1000), modes: ['收集', '利用'], wasteCategories: ['HW08'], annualCapacityTonnes: 1000 })
      .expect(201);
    await sweep('CROSS_PROVINCE_WITHOUT_APPROVAL');
    expect(await alertOf('CROSS_PROVINCE_WITHOUT_APPROVAL', manifestId, resolvedAutomatically)).toBeDefined();
  });

  async function createChengduReceiver(): Promise<string> {
    const res = await http()
      .post('/api/v1/organisations')
      .set('Authorization', PLATFORM)
      .send({ uscc: withUsccCheckCharacter(`91510104MA${randomUUID().replace(/[^0-9]/g, '').slice(0, 7)}`), name: '成都示范再生油有限公司', divisionCode: '510104', roles: ['receiver'] })
      .expect(201);
    return res.body.id as string;
  }
});
