import { LicenceCheckService } from '@app/parties';
import {
  Caller,
  Org,
  chinaDay,
  givenDriver,
  givenGenerator,
  givenLicence,
  givenPlatformAdmin,
  givenReceiver,
  givenRegulator,
  givenTransporter,
  givenUserToken,
  givenVehicle,
  uniqueCode,
} from './support/factories';
import { TestApp, startTestApp } from './support/test-app';

const year = Number(chinaDay().slice(0, 4));

describe('licences', () => {
  let t: TestApp;
  let platform: Caller;
  let checks: LicenceCheckService;

  beforeAll(async () => {
    t = await startTestApp('parties-licences');
    platform = await givenPlatformAdmin(t);
    checks = t.app.get(LicenceCheckService);
    // The placeholder view is empty until manifests exist; here it reads a table the tests fill.
    await t.db.query(`CREATE TABLE test_commitments (receiver_id uuid, year int, tonnes numeric)`);
    await t.db.query(`DROP VIEW receiver_committed_tonnes`);
    await t.db.query(`CREATE VIEW receiver_committed_tonnes AS SELECT receiver_id, year, tonnes FROM test_commitments`);
  });
  afterAll(() => t.close());

  const hwBody = (overrides: object = {}) => ({
    kind: 'hw_operating',
    number: `渝危废经${uniqueCode('L')}`,
    validFrom: `${year - 1}-01-01`,
    validTo: `${year + 4}-12-31`,
    modes: ['收集', '贮存', '处置'],
    wasteCodes: ['900-041-49'],
    wasteCategories: ['HW08'],
    annualCapacityTonnes: 100,
    ...overrides,
  });

  describe('recording', () => {
    let receiver: Org;
    let admin: Caller;
    beforeAll(async () => {
      receiver = await givenReceiver(t);
      admin = await givenUserToken(t, receiver, 'admin');
    });

    it('records an hw_operating licence for a receiver, by its admin', async () => {
      const res = await t.http().post(`/api/v1/organisations/${receiver.id}/licences`).set(admin.auth).send(hwBody()).expect(201);
      expect(res.body).toMatchObject({
        organisationId: receiver.id,
        kind: 'hw_operating',
        wasteCodes: ['900-041-49'],
        wasteCategories: ['HW08'],
        annualCapacityTonnes: 100,
        validFrom: `${year - 1}-01-01`,
        current: true,
        supersedesId: null,
        supersededById: null,
      });
    });

    it.each([
      ['no annual capacity', { annualCapacityTonnes: undefined }, 'annualCapacityTonnes'],
      ['neither codes nor categories', { wasteCodes: [], wasteCategories: [] }, 'wasteCodes'],
      ['an end before its start', { validFrom: `${year}-06-01`, validTo: `${year}-05-31` }, 'validTo'],
      ['a date that does not exist', { validTo: `${year}-02-30` }, 'validTo'],
      ['a category that does not exist (HW42)', { wasteCategories: ['HW42'] }, 'wasteCategories'],
      ['a malformed waste code', { wasteCodes: ['900-41-49'] }, 'wasteCodes'],
      ['a vehicle on an hw_operating licence', { vehicleId: '00000000-0000-4000-8000-000000000301' }, 'vehicleId'],
    ])('refuses %s with VALIDATION_FAILED naming the field', async (_label, change, field) => {
      const res = await t.http().post(`/api/v1/organisations/${receiver.id}/licences`).set(admin.auth).send(hwBody(change)).expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    });

    it('refuses an hw_operating licence for a transporter and a road transport licence for a receiver', async () => {
      const transporter = await givenTransporter(t);
      const a = await t.http().post(`/api/v1/organisations/${transporter.id}/licences`).set(platform.auth).send(hwBody()).expect(409);
      expect(a.body.error.code).toBe('ORGANISATION_ROLE_REQUIRED');
      const b = await t
        .http()
        .post(`/api/v1/organisations/${receiver.id}/licences`)
        .set(platform.auth)
        .send({ kind: 'road_transport', number: 'X-1', validFrom: `${year}-01-01`, validTo: `${year}-12-31` })
        .expect(409);
      expect(b.body.error.code).toBe('ORGANISATION_ROLE_REQUIRED');
    });

    it('records a vehicle permit only for a vehicle of the same organisation', async () => {
      const carrier = await givenTransporter(t);
      const otherCarrier = await givenTransporter(t);
      const own = await givenVehicle(t, carrier, { permit: false });
      const foreign = await givenVehicle(t, otherCarrier, { permit: false });
      const permit = { kind: 'vehicle_permit', number: '渝交运管危字T1', validFrom: `${year}-01-01`, validTo: `${year + 1}-12-31`, dangerousGoodsClasses: ['6.2'] };
      const res = await t
        .http()
        .post(`/api/v1/organisations/${carrier.id}/licences`)
        .set(platform.auth)
        .send({ ...permit, vehicleId: foreign })
        .expect(400);
      expect(res.body.error.details[0].field).toBe('vehicleId');
      await t.http().post(`/api/v1/organisations/${carrier.id}/licences`).set(platform.auth).send(permit).expect(400);
      await t.http().post(`/api/v1/organisations/${carrier.id}/licences`).set(platform.auth).send({ ...permit, vehicleId: own }).expect(201);
      const vehicles = await t.http().get(`/api/v1/organisations/${carrier.id}/vehicles`).set(platform.auth).expect(200);
      expect(vehicles.body.items).toEqual([expect.objectContaining({ id: own, permit: expect.objectContaining({ number: '渝交运管危字T1' }) })]);
    });

    it('is append-only in the database: UPDATE and DELETE are refused whatever code runs', async () => {
      const id = await givenLicence(t, receiver, 'hw_operating');
      await expect(t.db.query(`UPDATE licences SET valid_to = valid_to + 365 WHERE id = $1`, [id])).rejects.toThrow(/append-only/);
      await expect(t.db.query(`DELETE FROM licences WHERE id = $1`, [id])).rejects.toThrow(/append-only/);
    });

    it('refuses, in the database, a supersession across holders or kinds', async () => {
      const old = await givenLicence(t, receiver, 'hw_operating');
      const other = await givenReceiver(t);
      await expect(givenLicence(t, other, 'hw_operating', { supersedesId: old })).rejects.toThrow(/same holder and kind/);
    });
  });

  describe('superseding', () => {
    it('replaces a licence, keeps the history, and refuses to supersede the replaced one again', async () => {
      const receiver = await givenReceiver(t);
      const admin = await givenUserToken(t, receiver, 'admin');
      const first = await t.http().post(`/api/v1/organisations/${receiver.id}/licences`).set(admin.auth).send(hwBody()).expect(201);
      const { kind: _kind, ...renewal } = hwBody({ annualCapacityTonnes: 200, validFrom: `${year}-07-01` });
      const second = await t.http().post(`/api/v1/licences/${first.body.id}/supersede`).set(admin.auth).send(renewal).expect(201);
      expect(second.body).toMatchObject({ supersedesId: first.body.id, kind: 'hw_operating', annualCapacityTonnes: 200, current: true });

      const again = await t.http().post(`/api/v1/licences/${first.body.id}/supersede`).set(admin.auth).send(renewal).expect(409);
      expect(again.body.error.code).toBe('LICENCE_ALREADY_SUPERSEDED');

      const current = await t.http().get(`/api/v1/organisations/${receiver.id}/licences`).set(admin.auth).expect(200);
      expect(current.body.items.map((l: { id: string }) => l.id)).toEqual([second.body.id]);
      const history = await t.http().get(`/api/v1/organisations/${receiver.id}/licences`).query({ history: 'true' }).set(admin.auth).expect(200);
      expect(history.body.items).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ id: first.body.id, current: false, supersededById: second.body.id }),
          expect.objectContaining({ id: second.body.id, current: true, supersedesId: first.body.id }),
        ]),
      );
      expect(history.body.items).toHaveLength(2);
      const old = await t.http().get(`/api/v1/licences/${first.body.id}`).set(admin.auth).expect(200);
      expect(old.body.supersededById).toBe(second.body.id);

      // The ledger tells the same story, each event committed with its change.
      const events = (await t.db.query(
        `SELECT subject_id, subject_seq, type, actor_user_id, payload FROM events WHERE subject_type = 'licence' AND subject_id = ANY($1) ORDER BY seq`,
        [[first.body.id, second.body.id]],
      )) as { subject_id: string; subject_seq: number; type: string; actor_user_id: string; payload: Record<string, unknown> }[];
      expect(events).toEqual([
        expect.objectContaining({ subject_id: first.body.id, subject_seq: 1, type: 'licence.recorded', actor_user_id: admin.userId }),
        expect.objectContaining({
          subject_id: second.body.id,
          subject_seq: 1,
          type: 'licence.recorded',
          payload: expect.objectContaining({ supersedesId: first.body.id, annualCapacityTonnes: 200 }),
        }),
        expect.objectContaining({ subject_id: first.body.id, subject_seq: 2, type: 'licence.superseded', payload: { supersededById: second.body.id } }),
      ]);
    });

    it('lets only one of two simultaneous supersessions win', async () => {
      const receiver = await givenReceiver(t);
      const old = await givenLicence(t, receiver, 'hw_operating');
      const { kind: _kind, ...renewal } = hwBody();
      const results = await Promise.all(
        [1, 2, 3].map(() => t.http().post(`/api/v1/licences/${old}/supersede`).set(platform.auth).send(renewal)),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    });

    it('keeps the kind and vehicle of a superseded vehicle permit', async () => {
      const carrier = await givenTransporter(t);
      const vehicle = await givenVehicle(t, carrier, { permit: false });
      const old = await givenLicence(t, carrier, 'vehicle_permit', { vehicleId: vehicle });
      const res = await t
        .http()
        .post(`/api/v1/licences/${old}/supersede`)
        .set(platform.auth)
        .send({ number: '渝交运管危字NEW', validFrom: `${year}-01-01`, validTo: `${year + 3}-12-31` })
        .expect(201);
      expect(res.body).toMatchObject({ kind: 'vehicle_permit', vehicleId: vehicle, supersedesId: old });
    });

    it('does not let a regulator or a viewer supersede (403), nor another company see the licence (404)', async () => {
      const receiver = await givenReceiver(t);
      const old = await givenLicence(t, receiver, 'hw_operating');
      const { kind: _kind, ...renewal } = hwBody();
      const regulator = await givenUserToken(t, await givenRegulator(t, ['500106']), 'admin');
      const viewer = await givenUserToken(t, receiver, 'viewer');
      const stranger = await givenUserToken(t, await givenGenerator(t), 'admin');
      await t.http().post(`/api/v1/licences/${old}/supersede`).set(regulator.auth).send(renewal).expect(403);
      await t.http().post(`/api/v1/licences/${old}/supersede`).set(viewer.auth).send(renewal).expect(403);
      await t.http().post(`/api/v1/licences/${old}/supersede`).set(stranger.auth).send(renewal).expect(404);
      await t.http().get(`/api/v1/licences/${old}`).set(stranger.auth).expect(404);
    });
  });

  describe('may this receiver take this waste?', () => {
    const codes = (r: { reasons: { code: string }[] }) => r.reasons.map((x) => x.code);

    it('refuses a receiver without a licence', async () => {
      const receiver = await givenReceiver(t);
      const r = await checks.mayReceive({ receiverId: receiver.id, wasteCode: '900-041-49', tonnes: 1, on: chinaDay() });
      expect(r).toMatchObject({ allowed: false });
      expect(codes(r)).toEqual(['RECEIVER_NOT_LICENSED']);
      expect(r.reasons[0].message_zh).toContain('危险废物经营许可证');
    });

    it('refuses on the day after a licence expired, and allows on its last day', async () => {
      const receiver = await givenReceiver(t);
      const id = await givenLicence(t, receiver, 'hw_operating', { wasteCodes: ['900-041-49'], validTo: chinaDay(-1) });
      const today = await checks.mayReceive({ receiverId: receiver.id, wasteCode: '900-041-49', tonnes: 1, on: chinaDay() });
      expect(today.allowed).toBe(false);
      expect(today.reasons).toEqual([expect.objectContaining({ code: 'LICENCE_EXPIRED', licenceId: id })]);
      expect(today.reasons[0].message_en).toContain(chinaDay(-1));
      const yesterday = await checks.mayReceive({ receiverId: receiver.id, wasteCode: '900-041-49', tonnes: 1, on: chinaDay(-1) });
      expect(yesterday.allowed).toBe(true);
    });

    it('refuses a licence that starts tomorrow', async () => {
      const receiver = await givenReceiver(t);
      const id = await givenLicence(t, receiver, 'hw_operating', { wasteCodes: ['900-041-49'], validFrom: chinaDay(1) });
      const r = await checks.mayReceive({ receiverId: receiver.id, wasteCode: '900-041-49', tonnes: 1, on: new Date() });
      expect(r.reasons).toEqual([expect.objectContaining({ code: 'LICENCE_NOT_YET_VALID', licenceId: id })]);
    });

    it('refuses a code the licence does not cover, and allows any code of a category it lists', async () => {
      const receiver = await givenReceiver(t);
      const id = await givenLicence(t, receiver, 'hw_operating', { wasteCodes: ['900-041-49'], wasteCategories: ['HW08'] });
      const notCovered = await checks.mayReceive({ receiverId: receiver.id, wasteCode: '841-001-01', tonnes: 1, on: chinaDay() });
      expect(notCovered.reasons).toEqual([expect.objectContaining({ code: 'CODE_NOT_COVERED', licenceId: id })]);
      const byCategory = await checks.mayReceive({ receiverId: receiver.id, wasteCode: '900-249-08', tonnes: 1, on: chinaDay() });
      expect(byCategory).toMatchObject({ allowed: true, reasons: [], licences: [expect.objectContaining({ id })] });
      const byCode = await checks.mayReceive({ receiverId: receiver.id, wasteCode: '900-041-49', tonnes: 1, on: chinaDay() });
      expect(byCode.allowed).toBe(true);
    });

    it('refuses a load that would exceed the annual capacity given what is committed this year', async () => {
      const receiver = await givenReceiver(t);
      const id = await givenLicence(t, receiver, 'hw_operating', { wasteCategories: ['HW49'], annualCapacityTonnes: 100 });
      await t.db.query(`INSERT INTO test_commitments VALUES ($1, $2, 60), ($1, $2, 30.5), ($1, $3, 99)`, [receiver.id, year, year - 1]);
      const fits = await checks.mayReceive({ receiverId: receiver.id, wasteCode: '900-041-49', tonnes: 9.5, on: chinaDay() });
      expect(fits).toMatchObject({ allowed: true, capacity: { licenceId: id, year, annualTonnes: 100, committedTonnes: 90.5, remainingTonnes: 9.5 } });
      const exceeds = await checks.mayReceive({ receiverId: receiver.id, wasteCode: '900-041-49', tonnes: 9.501, on: chinaDay() });
      expect(exceeds.allowed).toBe(false);
      expect(exceeds.reasons).toEqual([expect.objectContaining({ code: 'CAPACITY_EXCEEDED', licenceId: id })]);
      // Last year's commitments count against last year only.
      const lastYear = await checks.mayReceive({ receiverId: receiver.id, wasteCode: '900-041-49', tonnes: 2, on: `${year - 1}-06-01` });
      expect(lastYear.reasons.map((x) => x.code)).toEqual(['CAPACITY_EXCEEDED']);
    });

    it('ignores a superseded licence: only the licence in force counts', async () => {
      const receiver = await givenReceiver(t);
      const old = await givenLicence(t, receiver, 'hw_operating', { wasteCategories: ['HW49'] });
      const replacement = await givenLicence(t, receiver, 'hw_operating', { wasteCategories: ['HW08'], supersedesId: old });
      const dropped = await checks.mayReceive({ receiverId: receiver.id, wasteCode: '900-041-49', tonnes: 1, on: chinaDay() });
      expect(dropped.reasons).toEqual([expect.objectContaining({ code: 'CODE_NOT_COVERED', licenceId: replacement })]);
    });

    it('answers the same through GET /licence-checks/receiver, for a regulator too', async () => {
      const receiver = await givenReceiver(t);
      const id = await givenLicence(t, receiver, 'hw_operating', { wasteCodes: ['900-041-49'], validTo: chinaDay(-1) });
      const regulator = await givenUserToken(t, await givenRegulator(t, ['500112']), 'viewer');
      const q = { receiverId: receiver.id, wasteCode: '900-041-49', tonnes: 1 };
      const today = await t.http().get('/api/v1/licence-checks/receiver').query(q).set(regulator.auth).expect(200);
      expect(today.body).toMatchObject({ allowed: false, reasons: [{ code: 'LICENCE_EXPIRED', licenceId: id }] });
      const yesterday = await t.http().get('/api/v1/licence-checks/receiver').query({ ...q, date: chinaDay(-1) }).set(regulator.auth).expect(200);
      expect(yesterday.body).toMatchObject({ allowed: true, reasons: [], licences: [{ id, kind: 'hw_operating' }] });
    });

    it.each([
      ['a malformed waste code', { wasteCode: '900041-49' }, 'wasteCode'],
      ['no tonnes', { tonnes: undefined }, 'tonnes'],
      ['negative tonnes', { tonnes: -1 }, 'tonnes'],
      ['an impossible date', { date: '2025-02-29' }, 'date'],
      ['a malformed receiver id', { receiverId: 'abc' }, 'receiverId'],
    ])('answers 400 for %s', async (_label, change, field) => {
      const caller = await givenUserToken(t, await givenGenerator(t), 'operator');
      const q = { receiverId: '00000000-0000-4000-8000-000000000109', wasteCode: '900-041-49', tonnes: 1, ...change };
      const res = await t
        .http()
        .get('/api/v1/licence-checks/receiver')
        .query(Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined)))
        .set(caller.auth)
        .expect(400);
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual([field]);
    });
  });

  describe('may this carrier carry it?', () => {
    let carrier: Org;
    beforeAll(async () => {
      carrier = await givenTransporter(t);
      await givenLicence(t, carrier, 'road_transport', { dangerousGoodsClasses: ['3', '6.1', '8', '9'] });
    });

    it('allows a licensed carrier with a permitted vehicle and a qualified driver', async () => {
      const vehicle = await givenVehicle(t, carrier);
      const driver = await givenDriver(t, carrier);
      const r = await checks.mayCarry({ carrierId: carrier.id, vehicleId: vehicle, driverId: driver, wasteCode: '900-041-49', on: chinaDay() });
      expect(r).toMatchObject({ allowed: true, reasons: [] });
      expect(r.licences.map((l) => l.kind)).toEqual(['road_transport', 'vehicle_permit', 'driver_qualification']);
    });

    it('refuses a carrier without a road transport licence, and one whose licence expired', async () => {
      const unlicensed = await givenTransporter(t);
      const vehicle = await givenVehicle(t, unlicensed);
      const r = await checks.mayCarry({ carrierId: unlicensed.id, vehicleId: vehicle, wasteCode: '900-041-49', on: chinaDay() });
      expect(r.reasons.map((x) => x.code)).toEqual(['CARRIER_NOT_LICENSED']);
      const expired = await givenTransporter(t);
      const licence = await givenLicence(t, expired, 'road_transport', { validTo: chinaDay(-1) });
      const v2 = await givenVehicle(t, expired);
      const r2 = await checks.mayCarry({ carrierId: expired.id, vehicleId: v2, wasteCode: '900-041-49', on: chinaDay() });
      expect(r2.reasons).toEqual([expect.objectContaining({ code: 'LICENCE_EXPIRED', licenceId: licence })]);
    });

    it('refuses a vehicle without a permit, with an expired one, or of another carrier', async () => {
      const none = await givenVehicle(t, carrier, { permit: false });
      const expired = await givenVehicle(t, carrier, { permit: { validTo: chinaDay(-1) } });
      const foreign = await givenVehicle(t, await givenTransporter(t));
      const reasonsFor = async (vehicleId: string) =>
        (await checks.mayCarry({ carrierId: carrier.id, vehicleId, wasteCode: '900-041-49', on: chinaDay() })).reasons.map((x) => x.code);
      expect(await reasonsFor(none)).toEqual(['VEHICLE_PERMIT_MISSING']);
      expect(await reasonsFor(expired)).toEqual(['VEHICLE_PERMIT_EXPIRED']);
      expect(await reasonsFor(foreign)).toEqual(['VEHICLE_NOT_OF_CARRIER']);
    });

    it('refuses a driver without a qualification in force', async () => {
      const vehicle = await givenVehicle(t, carrier);
      const unqualified = await givenDriver(t, carrier, { qualification: false });
      const future = await givenDriver(t, carrier, { qualification: { validFrom: chinaDay(1) } });
      const r1 = await checks.mayCarry({ carrierId: carrier.id, vehicleId: vehicle, driverId: unqualified, wasteCode: '900-041-49', on: chinaDay() });
      expect(r1.reasons.map((x) => x.code)).toEqual(['DRIVER_QUALIFICATION_MISSING']);
      const r2 = await checks.mayCarry({ carrierId: carrier.id, vehicleId: vehicle, driverId: future, wasteCode: '900-041-49', on: chinaDay() });
      expect(r2.reasons.map((x) => x.code)).toEqual(['DRIVER_QUALIFICATION_NOT_YET_VALID']);
    });

    it('refuses medical waste (class 6.2) to a carrier licensed for other classes only', async () => {
      const vehicle = await givenVehicle(t, carrier, { permit: { dangerousGoodsClasses: ['6.2'] } });
      const r = await checks.mayCarry({ carrierId: carrier.id, vehicleId: vehicle, wasteCode: '841-001-01', on: chinaDay() });
      expect(r.reasons.map((x) => x.code)).toEqual(['DANGEROUS_GOODS_CLASS_NOT_COVERED']);
    });

    it('answers through GET /licence-checks/carrier', async () => {
      const vehicle = await givenVehicle(t, carrier, { permit: { validTo: chinaDay(-1) } });
      const caller = await givenUserToken(t, await givenGenerator(t), 'viewer');
      const res = await t
        .http()
        .get('/api/v1/licence-checks/carrier')
        .query({ carrierId: carrier.id, vehicleId: vehicle, wasteCode: '900-041-49' })
        .set(caller.auth)
        .expect(200);
      expect(res.body).toMatchObject({ allowed: false, reasons: [{ code: 'VEHICLE_PERMIT_EXPIRED' }] });
    });
  });

  describe('facilities, vehicles and drivers', () => {
    it('registers storage facilities for generators only, with codes unique per organisation', async () => {
      const generator = await givenGenerator(t);
      const admin = await givenUserToken(t, generator, 'admin');
      const body = { code: 'WF-01', name: '危废贮存间', capacityTonnes: 2.5 };
      const res = await t.http().post(`/api/v1/organisations/${generator.id}/facilities`).set(admin.auth).send(body).expect(201);
      expect(res.body).toMatchObject({ ...body, kind: 'storage', organisationId: generator.id });
      const dup = await t.http().post(`/api/v1/organisations/${generator.id}/facilities`).set(admin.auth).send(body).expect(409);
      expect(dup.body.error.code).toBe('FACILITY_EXISTS');
      const list = await t.http().get(`/api/v1/organisations/${generator.id}/facilities`).set(admin.auth).expect(200);
      expect(list.body.items).toHaveLength(1);
      const transporter = await givenTransporter(t);
      const refused = await t.http().post(`/api/v1/organisations/${transporter.id}/facilities`).set(platform.auth).send(body).expect(409);
      expect(refused.body.error.code).toBe('ORGANISATION_ROLE_REQUIRED');
    });

    it('registers vehicles (unique plates) and drivers for transporters, each shown with its document in force', async () => {
      const carrier = await givenTransporter(t);
      const admin = await givenUserToken(t, carrier, 'admin');
      const vehicle = await t.http().post(`/api/v1/organisations/${carrier.id}/vehicles`).set(admin.auth).send({ plate: '渝A·T9999' }).expect(201);
      expect(vehicle.body).toMatchObject({ plate: '渝A·T9999', permit: null });
      const dup = await t.http().post(`/api/v1/organisations/${carrier.id}/vehicles`).set(admin.auth).send({ plate: '渝A·T9999' }).expect(409);
      expect(dup.body.error.code).toBe('VEHICLE_EXISTS');
      const driver = await t.http().post(`/api/v1/organisations/${carrier.id}/drivers`).set(admin.auth).send({ name: '测试师傅', phone: '13900000009' }).expect(201);
      await t
        .http()
        .post(`/api/v1/organisations/${carrier.id}/licences`)
        .set(admin.auth)
        .send({ kind: 'driver_qualification', driverId: driver.body.id, number: '从业资格-9', validFrom: `${year}-01-01`, validTo: `${year + 5}-12-31`, dangerousGoodsClasses: ['6.2'] })
        .expect(201);
      const drivers = await t.http().get(`/api/v1/organisations/${carrier.id}/drivers`).set(admin.auth).expect(200);
      expect(drivers.body.items).toEqual([expect.objectContaining({ name: '测试师傅', qualification: expect.objectContaining({ number: '从业资格-9' }) })]);
      const generator = await givenGenerator(t);
      await t.http().post(`/api/v1/organisations/${generator.id}/vehicles`).set(platform.auth).send({ plate: '渝A·T9998' }).expect(409);
    });
  });
});
