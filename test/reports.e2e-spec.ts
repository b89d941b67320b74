import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { runSeeds } from '../seeds/run';
import { CARRIER1_LEG, CARRIER2_LEG, FACILITY, bearer, medicalBag, oilDrum, org } from './support/demo';
import { Caller, Org, chinaDay, givenGenerator, givenPlatformAdmin, givenRegulator, givenUserToken } from './support/factories';
import { TestApp, startTestApp } from './support/test-app';

interface Registered {
  id: string;
  code: string;
  qrPayload: string;
}

/**
 * The reports on a scenario built through the API in the demo district (沙坪坝区, 500106), every
 * figure worked out by hand below. Alert-based figures use a district of their own (九龙坡区,
 * 500107) whose alerts the test writes, so nothing the reconciliation engine raises can move them.
 */
describe('reports', () => {
  let t: TestApp;
  const year = new Date().getUTCFullYear();
  const from = chinaDay(-1);
  const to = chinaDay(0);
  const month = chinaDay(0).slice(0, 7);
  const justNow = (): string => new Date(Date.now() - 60_000).toISOString();

  // The factory's drums (900-214-08 废矿物油) and where each ends up.
  const f: Record<'A' | 'D1' | 'D2' | 'D3' | 'D4' | 'D5' | 'D6' | 'D7' | 'E1', Registered> = {} as never;
  const h: Record<'H1' | 'H2' | 'H3' | 'BOX' | 'C1', Registered> = {} as never;
  const manifests: Record<'M1' | 'M2' | 'M3' | 'M4' | 'MH', string> = {} as never;

  const api = (path: string): string => `/api/v1${path}`;
  const register = async (key: string, containers: unknown[], facilityId?: string): Promise<Registered[]> =>
    (await t.http().post(api('/containers')).set('Authorization', bearer(key)).send({ containers, ...(facilityId ? { facilityId } : {}) }).expect(201)).body.containers;
  const draft = async (key: string, receiver: string, legs: unknown[], containers: Registered[]): Promise<string> =>
    (
      await t.http().post(api('/manifests')).set('Authorization', bearer(key)).send({
        receiverId: org(receiver),
        legs,
        containerIds: containers.map((c) => c.id),
        emergencyMeasures: '泄漏时用吸附棉围堵，拨打 12369。',
        plannedStart: new Date().toISOString(),
        plannedEnd: new Date(Date.now() + 4 * 3_600_000).toISOString(),
      }).expect(201)
    ).body.id;
  const act = (key: string, id: string, step: string, body: object = {}) =>
    t.http().post(api(`/manifests/${id}/${step}`)).set('Authorization', bearer(key)).send(body).expect(200);
  const scan = (key: string, kind: string, manifestId: string, c: Registered, extra: object = {}) =>
    t.http().post(api('/scans')).set('Authorization', bearer(key))
      .send({ idempotencyKey: randomUUID(), deviceId: `${key}-pda`, deviceTime: new Date(Date.now() - 1000).toISOString(), kind, manifestId, label: c.qrPayload, ...extra })
      .expect(201);

  const binary = (res: any, done: (error: Error | null, body: Buffer) => void): void => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => done(null, Buffer.concat(chunks)));
  };

  beforeAll(async () => {
    t = await startTestApp('reports');
    await runSeeds(t.config.databaseUrl, { quiet: true });

    // Factory: A, D1, D2, D6, D7 and E1 booked into storage at registration; D3, D4, D5 not.
    [f.A, f.D1, f.D2, f.D6, f.D7] = await register(
      'factory',
      [100, 200, 150, 70, 110].map((kg) => oilDrum({ netWeightKg: kg, generatedAt: justNow() })),
      FACILITY.factory,
    );
    [f.E1] = await register('factory', [oilDrum({ wasteCode: '900-041-49', wasteName: '含油废抹布', physicalForm: 'solid', netWeightKg: 5, generatedAt: justNow() })], FACILITY.factory);
    [f.D3, f.D4, f.D5] = await register('factory', [80, 90, 60].map((kg) => oilDrum({ netWeightKg: kg, generatedAt: justNow() })));

    // M1: D1, D2, D7 to the cement kiln: D1 accepted, D2 partly refused (30 kg), D7 refused; D1 and D2 co-processed (C1).
    manifests.M1 = await draft('factory', 'cementkiln', [CARRIER1_LEG], [f.D1, f.D2, f.D7]);
    await act('factory', manifests.M1, 'submit');
    for (const c of [f.D1, f.D2, f.D7]) await scan('carrier1', 'load', manifests.M1, c);
    await act('carrier1', manifests.M1, 'depart');
    await scan('cementkiln', 'arrive', manifests.M1, f.D1, { weightKg: 198 });
    await scan('cementkiln', 'arrive', manifests.M1, f.D2, { weightKg: 150 });
    await scan('cementkiln', 'arrive', manifests.M1, f.D7, { weightKg: 110 });
    await act('cementkiln', manifests.M1, 'receipt', {
      decisions: [
        { containerId: f.D1.id, decision: 'accepted' },
        { containerId: f.D2.id, decision: 'partially_refused', refusedKg: 30, reason: '含水量超标' },
        { containerId: f.D7.id, decision: 'refused', reason: '包装破损' },
      ],
    });
    await act('cementkiln', manifests.M1, 'confirm', { opinion: '同意接收' });
    await act('cementkiln', manifests.M1, 'final-operations', { operations: [f.D1, f.D2].map((c) => ({ containerId: c.id, method: 'C1' })) });

    // M2: D3 and D4; only D4 is loaded before departure (D3 left behind), D4 has not arrived.
    manifests.M2 = await draft('factory', 'cementkiln', [CARRIER1_LEG], [f.D3, f.D4]);
    await act('factory', manifests.M2, 'submit');
    await scan('carrier1', 'load', manifests.M2, f.D4);
    await act('carrier1', manifests.M2, 'depart');

    // M3: D6 on a draft (it leaves storage for the loading bay).
    manifests.M3 = await draft('factory', 'cementkiln', [CARRIER1_LEG], [f.D6]);

    // M4: an auto-repair drum received by the kiln but never confirmed; its deadline is made to have passed.
    const [repair] = await register('autorepair', [oilDrum({ netWeightKg: 50, generatedAt: justNow() })]);
    manifests.M4 = await draft('autorepair', 'cementkiln', [CARRIER1_LEG], [repair]);
    await act('autorepair', manifests.M4, 'submit');
    await scan('carrier1', 'load', manifests.M4, repair);
    await act('carrier1', manifests.M4, 'depart');
    await scan('cementkiln', 'arrive', manifests.M4, repair, { weightKg: 50 });
    await act('cementkiln', manifests.M4, 'receipt', { decisions: [{ containerId: repair.id, decision: 'accepted' }] });
    await t.db.query(`UPDATE manifests SET confirm_deadline = $2 WHERE id = $1`, [manifests.M4, chinaDay(-1)]);

    // Hospital (三甲): two bags in a turnover box incinerated; a third bag still in storage. Clinic (primary): one bag.
    [h.H1, h.H2] = await register('hospital', [medicalBag({ generatedAt: justNow() }), medicalBag({ generatedAt: justNow() })]);
    [h.BOX] = await register('hospital', [medicalBag({ containerType: 'turnover_box', volumeLitres: 100, netWeightKg: 0, generatedAt: justNow() })]);
    [h.H3] = await register('hospital', [medicalBag({ generatedAt: justNow() })], FACILITY.hospital);
    [h.C1] = await register('clinic', [medicalBag({ netWeightKg: 1, generatedAt: justNow() })]);
    await t.http().post(api(`/containers/${h.BOX.id}/pack`)).set('Authorization', bearer('hospital')).send({ labels: [h.H1.qrPayload, h.H2.qrPayload] }).expect(200);
    manifests.MH = await draft('hospital', 'incinerator', [CARRIER2_LEG], [h.BOX]);
    await act('hospital', manifests.MH, 'submit');
    await scan('carrier2', 'load', manifests.MH, h.BOX);
    await act('carrier2', manifests.MH, 'depart');
    await scan('incinerator', 'arrive', manifests.MH, h.BOX, { weightKg: 5.2 });
    await act('incinerator', manifests.MH, 'receipt', { decisions: [{ containerId: h.BOX.id, decision: 'accepted' }] });
    await act('incinerator', manifests.MH, 'confirm');
    await act('incinerator', manifests.MH, 'final-operations', { operations: [{ containerId: h.BOX.id, method: 'D10' }] });
  }, 120_000);
  afterAll(() => t.close());

  const exportEvent = async (exportId: string) => {
    const rows = await t.db.query(`SELECT type, actor_org_id, actor_user_id, payload FROM events WHERE subject_type = 'export' AND subject_id = $1`, [exportId]);
    return rows as { type: string; actor_org_id: string | null; actor_user_id: string | null; payload: Record<string, any> }[];
  };

  describe('台账 (ledger book)', () => {
    const HEADERS = [
      '序号', '环节', '发生时间', '数字识别码', '废物名称', '废物代码', '废物类别', '危险特性', '物理形态', '包装方式', '重量（千克）', '贮存设施',
      '转移联单编号', '产生单位', '运输单位', '接收单位', '接收单位经营许可证编号', '利用处置方式', '接收称重（千克）', '接收意见', '拒收重量（千克）', '备注',
    ];

    it('exports the factory as CSV with one row per container and stage, and records the export in the ledger', async () => {
      const res = await t.http().get(api('/reports/ledger-book')).query({ from, to, format: 'csv' }).set('Authorization', bearer('factory')).expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="ledger-book_/);
      expect(res.text.charCodeAt(0)).toBe(0xfeff);
      const records = parse(res.text, { bom: true }) as string[][];
      expect(records[0]).toEqual(HEADERS);
      const rows = records.slice(1);
      // 产生 9 (8 oil drums + E1), 入库 6 (A, D1, D2, D6, D7, E1), 出库 4 (D1, D2, D7 onto M1, D6 onto M3),
      // 转移 4 (D1, D2, D7 on M1, D4 on M2; D3 was never loaded).
      const byStage = (stage: string): string[][] => rows.filter((r) => r[1] === stage);
      expect(rows).toHaveLength(23);
      expect(byStage('产生')).toHaveLength(9);
      expect(byStage('入库')).toHaveLength(6);
      expect(byStage('出库')).toHaveLength(4);
      expect(byStage('转移（委托利用处置）')).toHaveLength(4);
      expect(rows.map((r) => Number(r[0]))).toEqual(Array.from({ length: 23 }, (_, i) => i + 1));
      const d1 = byStage('转移（委托利用处置）').find((r) => r[3] === f.D1.code)!;
      expect(d1).toEqual(expect.arrayContaining(['900-214-08', 'HW08', '液态', '桶', '200', '渝西危险货物运输有限公司', '青峰水泥窑协同处置有限公司', `渝危废经第${year - 1}002号`, 'C1 水泥窑协同处置', '198', '接收']));
      expect(d1[12]).toMatch(/^\d{4}5001\d{6}$/);
      const d7 = byStage('转移（委托利用处置）').find((r) => r[3] === f.D7.code)!;
      expect([d7[19], d7[20], d7[21]]).toEqual(['拒收', '110', '包装破损']);
      expect(byStage('入库').find((r) => r[3] === f.A.code)![11]).toBe('WF-01 危废仓库一号');
      expect(rows.some((r) => r[3] === f.D3.code && r[1] !== '产生')).toBe(false);

      const [event] = await exportEvent(res.headers['x-export-id']);
      expect(event).toMatchObject({
        type: 'export.created',
        actor_org_id: org('factory'),
        payload: { what: 'ledger_book', format: 'csv', rowCount: 23, filters: { organisationId: org('factory'), from, to }, who: { organisationId: org('factory'), role: 'admin' } },
      });
    });

    it('exports XLSX that parses back, the same rows as the CSV', async () => {
      const res = await t.http().get(api('/reports/ledger-book')).query({ organisationId: org('factory'), from, to, format: 'xlsx' })
        .set('Authorization', bearer('regulator')).buffer(true).parse(binary).expect(200);
      expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(res.body as ArrayBuffer);
      const sheet = workbook.worksheets[0];
      expect(sheet.name).toBe('危险废物管理台账');
      const values = sheet.getSheetValues().filter(Boolean).map((row) => (row as ExcelJS.CellValue[]).slice(1));
      expect(values[0]).toEqual(HEADERS);
      expect(values).toHaveLength(24);
      const d2 = values.find((r) => r[1] === '转移（委托利用处置）' && r[3] === f.D2.code)!;
      expect([d2[10], d2[18], d2[19], d2[20]]).toEqual([150, 150, '部分拒收', 30]);

      const [event] = await exportEvent(res.headers['x-export-id']);
      expect(event.payload).toMatchObject({ format: 'xlsx', rowCount: 23, who: { organisationId: org('regulator') } });
    });

    it("exports the receiver's side as JSON: what it received and treated", async () => {
      const res = await t.http().get(api('/reports/ledger-book')).query({ from, to, format: 'json' }).set('Authorization', bearer('cementkiln')).expect(200);
      // 接收 D1, D2, D7 (M1) and the auto-repair drum (M4); 利用处置 D1, D2.
      expect(res.body.rowCount).toBe(6);
      expect(res.body.rows.filter((r: any) => r.stage === 'received')).toHaveLength(4);
      expect(res.body.rows.filter((r: any) => r.stage === 'treatment').map((r: any) => r.code).sort()).toEqual([f.D1.code, f.D2.code].sort());
      expect(res.body).toMatchObject({ organisationId: org('cementkiln'), from, to });
      expect((await exportEvent(res.headers['x-export-id']))[0].payload).toMatchObject({ format: 'json', rowCount: 6 });
    });

    it("refuses another unit's 台账 and anything outside a regulator's jurisdiction", async () => {
      await t.http().get(api('/reports/ledger-book')).query({ organisationId: org('factory'), from, to }).set('Authorization', bearer('hospital')).expect(404);
      const elsewhere = await givenRegulator(t, ['500101']);
      const regulator = await givenUserToken(t, elsewhere, 'admin');
      await t.http().get(api('/reports/ledger-book')).query({ organisationId: org('factory'), from, to }).set(regulator.auth).expect(404);
      const bad = await t.http().get(api('/reports/ledger-book')).query({ from: to, to: from }).set('Authorization', bearer('factory')).expect(400);
      expect(bad.body.error.code).toBe('REPORT_PERIOD_INVALID');
      expect(bad.headers['content-disposition']).toBeUndefined();
    });
  });

  describe('mass balance', () => {
    it("accounts for every drum the factory generated, and lists what is unaccounted", async () => {
      const res = await t.http().get(api('/reports/mass-balance')).query({ from, to }).set('Authorization', bearer('factory')).expect(200);
      expect(res.body.rows.map((r: any) => r.wasteCode)).toEqual(['900-041-49', '900-214-08']);
      const oil = res.body.rows[1];
      const fig = (containers: number, kg: number) => ({ containers, kg });
      expect(oil.generated).toEqual(fig(8, 860));
      expect(oil.stored).toMatchObject(fig(1, 100)); // A
      expect(oil.awaitingShipment).toMatchObject(fig(1, 70)); // D6
      expect(oil.inTransit).toMatchObject(fig(1, 90)); // D4
      expect(oil.atReceiver).toMatchObject(fig(0, 0));
      expect(oil.disposed).toMatchObject(fig(2, 350)); // D1 + D2
      expect(oil.refused).toMatchObject(fig(1, 110)); // D7
      expect(oil.ownDisposal).toMatchObject(fig(0, 0));
      expect(oil.unaccounted).toMatchObject(fig(2, 140)); // D3 (left behind) + D5 (never stored or shipped)
      expect([...oil.unaccounted.containerIds].sort()).toEqual([f.D3.id, f.D5.id].sort());
      expect(oil.shipped).toEqual(fig(4, 550)); // D1, D2, D7, D4
      expect(oil.receivedByReceivers).toEqual(fig(3, 460)); // D1, D2, D7
      expect(oil.measured).toEqual({ receivedKg: 458, acceptedKg: 318, refusedKg: 140 });
      expect(res.body.rows[0].stored).toMatchObject(fig(1, 5)); // E1
      expect(res.body.totals.generated).toEqual(fig(9, 865));

      const unaccounted = await t.http().get(oil.unaccounted.href).set('Authorization', bearer('factory')).expect(200);
      expect(unaccounted.body.containers.map((c: any) => [c.code, c.reason]).sort()).toEqual(
        [[f.D3.code, 'not_loaded'], [f.D5.code, 'not_stored_or_shipped']].sort(),
      );
    });

    it('shows a receiver what it received, refused and treated', async () => {
      const res = await t.http().get(api('/reports/mass-balance')).query({ organisationId: org('cementkiln'), from, to }).set('Authorization', bearer('regulator')).expect(200);
      expect(res.body.rows).toEqual([]);
      expect(res.body.received).toEqual([
        {
          wasteCode: '900-214-08',
          received: { containers: 4, kg: 510 }, // D1 200 + D2 150 + D7 110 + the auto-repair drum 50
          measuredKg: 508,
          acceptedKg: 368, // 198 + 120 + 0 + 50
          refusedKg: 140,
          refusedContainers: 1,
          treated: { containers: 2, kg: 350 },
          intermediate: { containers: 0, kg: 0 },
          awaitingTreatment: { containers: 1, kg: 50 },
        },
      ]);
    });

    it("is not shown to another unit", async () => {
      await t.http().get(api('/reports/mass-balance')).query({ organisationId: org('factory'), from, to }).set('Authorization', bearer('cementkiln')).expect(404);
    });
  });

  describe('district figures', () => {
    it('counts containers and tonnes by category and month, medical central disposal and confirmations', async () => {
      const res = await t.http().get(api('/reports/district')).query({ from, to }).set('Authorization', bearer('regulator')).expect(200);
      expect(res.body.prefixes).toEqual(['500106']);
      expect(res.body.byCategoryMonth).toEqual([
        { category: 'HW01', name: expect.any(String), month, containers: 5, tonnes: 0.0085 }, // hospital 2.5 × 3 + box 0, clinic 1
        { category: 'HW08', name: expect.any(String), month, containers: 9, tonnes: 0.91 }, // factory 860 + auto-repair 50
        { category: 'HW49', name: expect.any(String), month, containers: 1, tonnes: 0.005 },
      ]);
      // 二级以上: only the 三甲 hospital; the clinic is primary. Bags H1, H2 and their box incinerated, H3 still stored.
      expect(res.body.medicalCentralDisposal).toMatchObject({
        target: 1,
        generated: { containers: 4, kg: 7.5 },
        collected: { containers: 3, kg: 5 },
        disposed: { containers: 3, kg: 5 },
        share: 0.6667,
        units: [{ organisationId: org('hospital'), kg: 7.5, disposedKg: 5, share: 0.6667 }],
      });
      // M1 and MH confirmed the day they were received; M4 was not, and its deadline has passed.
      expect(res.body.manifestConfirmation).toEqual({ due: 3, inTime: 2, late: 0, overdue: 1, pending: 0, share: 0.6667 });
    });

    it('shows a regulator of another district nothing of this one', async () => {
      const elsewhere = await givenRegulator(t, ['500101']);
      const regulator = await givenUserToken(t, elsewhere, 'admin');
      const res = await t.http().get(api('/reports/district')).query({ from, to }).set(regulator.auth).expect(200);
      expect(res.body).toMatchObject({
        prefixes: ['500101'],
        byCategoryMonth: [],
        medicalCentralDisposal: { generated: { containers: 0, kg: 0 }, share: null },
        manifestConfirmation: { due: 0, share: null },
        openAlerts: { total: 0 },
        compliance: [],
      });
      const outside = await t.http().get(api('/reports/district')).query({ division: '500106' }).set(regulator.auth).expect(403);
      expect(outside.body.error.code).toBe('DIVISION_OUTSIDE_JURISDICTION');
      const map = await t.http().get(api('/reports/map')).set(regulator.auth).expect(200);
      expect(map.body.features).toEqual([]);
      await t.http().get(api('/reports/district')).set('Authorization', bearer('factory')).expect(403);
      const platform = await givenPlatformAdmin(t);
      const admin = await t.http().get(api('/reports/district')).set(platform.auth).expect(400);
      expect(admin.body.error.code).toBe('DIVISION_REQUIRED');
      const city = await t.http().get(api('/reports/district')).query({ division: '500100', from, to }).set(platform.auth).expect(200);
      expect(city.body.prefixes).toEqual(['5001']);
      expect(city.body.manifestConfirmation.due).toBe(3);
    });
  });

  describe('alerts, compliance scores and risk (九龙坡区, 500107)', () => {
    let u1: Org;
    let u2: Org;
    let regulator: Caller;

    const alert = async (unit: Org, rule: string, severity: string, status: string, openedDaysAgo = 0) => {
      const opened = new Date(Date.now() - openedDaysAgo * 86_400_000 - 60_000);
      await t.db.query(
        `INSERT INTO alerts (rule, severity, subject_type, subject_id, organisation_id, division_code, party_ids, region_keys, status, fingerprint,
                             source, opened_at, acknowledged_at, resolved_at, resolved_automatically)
         VALUES ($1, $2, 'organisation', $3, $3, '500107', ARRAY[$3::uuid], division_keys(ARRAY['500107']), $4, $1, 'sweep', $5,
                 CASE WHEN $4 = 'acknowledged' THEN now() END, CASE WHEN $4 = 'resolved' THEN now() END, CASE WHEN $4 = 'resolved' THEN true END)`,
        [rule, severity, unit.id, status, opened],
      );
    };

    beforeAll(async () => {
      u1 = await givenGenerator(t, { division: '500107', name: '九龙坡测试化工厂', managementClass: 'key' });
      u2 = await givenGenerator(t, { division: '500107', name: '九龙坡测试汽修厂', managementClass: 'registered', generatorKind: 'auto_repair' });
      regulator = await givenUserToken(t, await givenRegulator(t, ['500107']), 'admin');
      await t.db.query(`UPDATE organisations SET lat = 29.5, lng = 106.5 WHERE id = $1`, [u1.id]);
      await alert(u1, 'IN_TRANSIT_TOO_LONG', 'critical', 'open');
      await alert(u1, 'WEIGHT_MISMATCH', 'high', 'acknowledged');
      await alert(u1, 'STORED_TOO_LONG', 'medium', 'resolved');
      await alert(u2, 'ORPHAN_CONTAINER', 'low', 'open', 10);
    });

    it('scores each unit from its alerts and counts unresolved alerts by rule and age', async () => {
      const res = await t.http().get(api('/reports/district')).set(regulator.auth).expect(200);
      // u1: 100 − 20 (critical, open) − 10 × ½ (high, acknowledged) − 5 × ¼ (medium, resolved); u2: 100 − 2 (low, open).
      expect(res.body.compliance.map((u: any) => [u.name, u.score, u.openAlerts])).toEqual([
        ['九龙坡测试化工厂', 73.75, 2],
        ['九龙坡测试汽修厂', 98, 1],
      ]);
      expect(res.body.openAlerts).toEqual({
        total: 3,
        byRule: [
          { key: 'IN_TRANSIT_TOO_LONG', open: 1, acknowledged: 0 },
          { key: 'ORPHAN_CONTAINER', open: 1, acknowledged: 0 },
          { key: 'WEIGHT_MISMATCH', open: 0, acknowledged: 1 },
        ],
        byAge: [
          { key: '0-1d', open: 1, acknowledged: 1 },
          { key: '1-7d', open: 0, acknowledged: 0 },
          { key: '7-30d', open: 1, acknowledged: 0 },
          { key: '30d+', open: 0, acknowledged: 0 },
        ],
      });
    });

    it('maps the units with their open alerts, and lists those without coordinates', async () => {
      const res = await t.http().get(api('/reports/map')).set(regulator.auth).expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/geo\+json/);
      expect(res.body).toEqual({
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            id: u1.id,
            geometry: { type: 'Point', coordinates: [106.5, 29.5] },
            properties: expect.objectContaining({ name: '九龙坡测试化工厂', roles: ['generator'], openAlerts: 2, tonnesInStorage: 0 }),
          },
        ],
        unlocated: [{ id: u2.id, name: '九龙坡测试汽修厂' }],
      });
    });

    it('weights a risk-based draw by the compliance score', async () => {
      const res = await t.http().post(api('/inspection-draws')).set(regulator.auth).send({ seed: 'risk', size: 2, weighted: true }).expect(201);
      // weight = 1 + (100 − score) / 10
      expect(res.body.units.map((u: any) => [u.organisationId, u.weight]).sort()).toEqual([[u1.id, 3.625], [u2.id, 1.2]].sort());
      expect(res.body).toMatchObject({ weighted: true, populationSize: 2, verified: true });
    });
  });

  describe('the map of the demo district', () => {
    it('shows every unit with what is in its storage now', async () => {
      const res = await t.http().get(api('/reports/map')).set('Authorization', bearer('regulator')).expect(200);
      const byId = new Map(res.body.features.map((feature: any) => [feature.id, feature]));
      expect(res.body.features).toHaveLength(9); // every demo organisation but the regulator and carrier 2 (渝北区)
      expect((byId.get(org('factory')) as any).properties).toMatchObject({ tonnesInStorage: 0.105, containersInStorage: 2 }); // A 100 + E1 5
      expect((byId.get(org('hospital')) as any).properties).toMatchObject({ tonnesInStorage: 0.0025, containersInStorage: 1 }); // H3
      expect((byId.get(org('hospital')) as any).geometry.coordinates).toEqual([106.4563, 29.5411]);
      expect((byId.get(org('carrier2')) as any)).toBeUndefined(); // 渝北区
    });
  });

  describe('inspections (双随机)', () => {
    const drawBody = { size: 3, roles: ['generator'], inspectors: ['张三', '李四', '王五', '赵六'], inspectorsPerUnit: 2 };

    it('draws the same units for the same seed and others for another, and records the draw in the ledger', async () => {
      const first = await t.http().post(api('/inspection-draws')).set('Authorization', bearer('regulator')).send({ ...drawBody, seed: '2025 第三季度' }).expect(201);
      const again = await t.http().post(api('/inspection-draws')).set('Authorization', bearer('regulator')).send({ ...drawBody, seed: '2025 第三季度' }).expect(201);
      const other = await t.http().post(api('/inspection-draws')).set('Authorization', bearer('regulator')).send({ ...drawBody, seed: '2025 第四季度' }).expect(201);
      const units = (r: Response): string[] => r.body.units.map((u: any) => u.organisationId);
      // The demo district's generators: hospital, clinic, auto-repair, lab, factory and the collection point.
      expect(first.body.populationSize).toBe(6);
      expect(units(first)).toHaveLength(3);
      expect(units(again)).toEqual(units(first));
      expect(again.body.units.map((u: any) => u.inspectors)).toEqual(first.body.units.map((u: any) => u.inspectors));
      expect(again.body.populationHash).toBe(first.body.populationHash);
      expect(units(other)).not.toEqual(units(first));
      for (const u of first.body.units) expect(u.inspectors).toHaveLength(2);

      const [event] = await t.db.query(`SELECT type, payload FROM events WHERE subject_type = 'inspection_draw' AND subject_id = $1`, [first.body.id]);
      expect(event).toMatchObject({ type: 'inspection_draw.created', payload: { seed: '2025 第三季度', populationSize: 6, populationHash: first.body.populationHash } });
      expect(event.payload.chosen.map((c: any) => c.organisationId)).toEqual(units(first));
      const read = await t.http().get(api(`/inspection-draws/${first.body.id}`)).set('Authorization', bearer('regulator')).expect(200);
      expect(read.body.verified).toBe(true);
    });

    it('filters the population and keeps it inside the jurisdiction', async () => {
      const medical = await t.http().post(api('/inspection-draws')).set('Authorization', bearer('regulator')).send({ size: 5, generatorKinds: ['medical'] }).expect(201);
      expect(medical.body.units.map((u: any) => u.organisationId).sort()).toEqual([org('hospital'), org('clinic')].sort());
      expect(medical.body.seed).toEqual(expect.any(String));
      const keyUnits = await t.http().post(api('/inspection-draws')).set('Authorization', bearer('regulator')).send({ size: 10, managementClasses: ['key'], roles: ['generator'] }).expect(201);
      expect(keyUnits.body.units.map((u: any) => u.organisationId).sort()).toEqual([org('hospital'), org('factory'), org('collector')].sort());
      const outside = await t.http().post(api('/inspection-draws')).set('Authorization', bearer('regulator')).send({ size: 1, division: '500112' }).expect(403);
      expect(outside.body.error.code).toBe('DIVISION_OUTSIDE_JURISDICTION');
      const none = await t.http().post(api('/inspection-draws')).set('Authorization', bearer('regulator')).send({ size: 1, generatorKinds: ['school'] }).expect(422);
      expect(none.body.error.code).toBe('INSPECTION_POPULATION_EMPTY');
    });

    it('records results against drawn units only, once, by the regulator that drew them', async () => {
      const draw = (await t.http().post(api('/inspection-draws')).set('Authorization', bearer('regulator')).send({ size: 1, seed: 'results', generatorKinds: ['industrial'] }).expect(201)).body;
      expect(draw.units.map((u: any) => u.organisationId)).toEqual([org('factory')]);
      const result = { organisationId: org('factory'), result: 'passed', inspector: '张三、李四', inspectedOn: to };
      const recorded = await t.http().post(api(`/inspection-draws/${draw.id}/results`)).set('Authorization', bearer('regulator')).send(result).expect(201);
      expect(recorded.body).toMatchObject({ drawId: draw.id, organisationId: org('factory'), result: 'passed', inspectedOn: to });
      const twice = await t.http().post(api(`/inspection-draws/${draw.id}/results`)).set('Authorization', bearer('regulator')).send(result).expect(409);
      expect(twice.body.error.code).toBe('INSPECTION_ALREADY_RECORDED');
      const notDrawn = await t.http().post(api(`/inspection-draws/${draw.id}/results`)).set('Authorization', bearer('regulator')).send({ ...result, organisationId: org('lab') }).expect(409);
      expect(notDrawn.body.error.code).toBe('INSPECTION_UNIT_NOT_SAMPLED');
      const noFindings = await t.http().post(api(`/inspection-draws/${draw.id}/results`)).set('Authorization', bearer('regulator')).send({ ...result, result: 'failed' }).expect(400);
      expect(noFindings.body.error.code).toBe('VALIDATION_FAILED');
      // The inspected unit cannot see the draw; a regulator's viewer may read but not write.
      await t.http().post(api(`/inspection-draws/${draw.id}/results`)).set('Authorization', bearer('factory')).send(result).expect(404);
      const viewer = await givenUserToken(t, { id: org('regulator') } as Org, 'viewer');
      await t.http().get(api(`/inspection-draws/${draw.id}`)).set(viewer.auth).expect(200);
      await t.http().post(api(`/inspection-draws/${draw.id}/results`)).set(viewer.auth).send(result).expect(403);

      const read = await t.http().get(api(`/inspection-draws/${draw.id}`)).set('Authorization', bearer('regulator')).expect(200);
      expect(read.body.units[0].inspection).toMatchObject({ result: 'passed', inspector: '张三、李四' });
      const [event] = await t.db.query(`SELECT type, payload FROM events WHERE subject_type = 'inspection' AND subject_id = $1`, [recorded.body.id]);
      expect(event).toMatchObject({ type: 'inspection.recorded', payload: { drawId: draw.id, result: 'passed' } });
      const district = await t.http().get(api('/reports/district')).query({ from, to }).set('Authorization', bearer('regulator')).expect(200);
      expect(district.body.inspections).toEqual({ inspected: 1, passed: 1, failed: 0, passRate: 1 });
    });
  });
});
