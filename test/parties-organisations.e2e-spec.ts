import { usccCheckCharacter, withUsccCheckCharacter } from '@app/parties';
import { DEMO_ORGS, DEMO_USERS } from '../seeds/demo-district';
import { runSeeds } from '../seeds/run';
import { Caller, givenGenerator, givenPlatformAdmin, givenRegulator, givenTransporter, givenUserToken, uniqueUscc } from './support/factories';
import { TestApp, startTestApp } from './support/test-app';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const demoToken = (key: string): { Authorization: string } => {
  const org = DEMO_ORGS.find((o) => o.key === key);
  const user = DEMO_USERS.find((u) => (key === 'platform' ? u.role === 'platform_admin' : u.orgKey === org?.key && u.role === 'admin'));
  return bearer(user!.token);
};

describe('organisations', () => {
  let t: TestApp;
  let admin: Caller;

  beforeAll(async () => {
    t = await startTestApp('parties-orgs');
    await runSeeds(t.config.databaseUrl, { quiet: true });
    admin = await givenPlatformAdmin(t);
  });
  afterAll(() => t.close());

  const receiverBody = (uscc: string) => ({
    uscc,
    name: '测试处置中心',
    address: '重庆市沙坪坝区测试路1号',
    divisionCode: '500106',
    lat: 29.57,
    lng: 106.39,
    contactName: '测试',
    contactPhone: '023-60000000',
    roles: ['receiver'],
  });

  describe('registering', () => {
    it('registers an organisation with a valid USCC', async () => {
      const uscc = uniqueUscc();
      const res = await t.http().post('/api/v1/organisations').set(admin.auth).send(receiverBody(uscc)).expect(201);
      expect(res.body).toMatchObject({ uscc, divisionCode: '500106', roles: ['receiver'], lat: 29.57, lng: 106.39, generatorKind: null });
      const got = await t.http().get(`/api/v1/organisations/${res.body.id}`).set(admin.auth).expect(200);
      expect(got.body.name).toBe('测试处置中心');
      const events = (await t.db.query(`SELECT type, actor_user_id, payload FROM events WHERE subject_type = 'organisation' AND subject_id = $1`, [
        res.body.id,
      ])) as { type: string; actor_user_id: string; payload: { uscc: string } }[];
      expect(events).toEqual([expect.objectContaining({ type: 'organisation.registered', actor_user_id: admin.userId, payload: expect.objectContaining({ uscc }) })]);
    });

    it('refuses a second organisation with the same USCC with ORGANISATION_EXISTS', async () => {
      const uscc = uniqueUscc();
      await t.http().post('/api/v1/organisations').set(admin.auth).send(receiverBody(uscc)).expect(201);
      const res = await t.http().post('/api/v1/organisations').set(admin.auth).send(receiverBody(uscc)).expect(409);
      expect(res.body.error.code).toBe('ORGANISATION_EXISTS');
    });

    const valid = withUsccCheckCharacter('91500106MA5U3X5K1');
    const wrongCheck = valid.slice(0, 17) + (valid[17] === '0' ? '1' : '0');
    it.each([
      ['a wrong check character', wrongCheck, 'CHECK_CHARACTER'],
      ['17 characters', valid.slice(0, 17), 'LENGTH'],
      ['19 characters', `${valid}0`, 'LENGTH'],
      ['lower case', valid.toLowerCase(), 'CHARACTER'],
      ...['I', 'O', 'S', 'V', 'Z'].map((letter) => {
        const first17 = `91500106MA5U3X5K${letter}`;
        // Give it the check character it would have if the letter counted as 1, so only the letter is wrong.
        return [`the letter ${letter}`, `${first17}${usccCheckCharacter('91500106MA5U3X5K1')}`, 'CHARACTER'];
      }),
    ])('answers 400 VALIDATION_FAILED naming uscc for %s', async (_label, uscc, problem) => {
      const res = await t.http().post('/api/v1/organisations').set(admin.auth).send(receiverBody(uscc)).expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details).toEqual([{ field: 'uscc', constraints: { isUscc: expect.stringContaining(problem) } }]);
    });

    it('accepts the valid code the failing cases were made from', async () => {
      await t.http().post('/api/v1/organisations').set(admin.auth).send(receiverBody(valid)).expect(201);
    });

    it.each([
      ['a generator without its kind', { roles: ['generator'] }, 'generatorKind'],
      ['a medical generator without its level', { roles: ['generator'], generatorKind: 'medical' }, 'medicalLevel'],
      ['a level for a non-medical generator', { roles: ['generator'], generatorKind: 'lab', medicalLevel: 'primary' }, 'medicalLevel'],
      ['a regulator without a jurisdiction', { roles: ['regulator'] }, 'jurisdiction'],
      ['a jurisdiction for a company', { roles: ['receiver'], jurisdiction: ['500106'] }, 'jurisdiction'],
      ['a 5-digit division', { divisionCode: '50010' }, 'divisionCode'],
      ['an unknown role', { roles: ['broker'] }, 'roles'],
      ['lat without lng', { lng: undefined }, 'lng'],
      ['an unknown field', { colour: 'orange' }, 'colour'],
    ])('refuses %s, naming the field', async (_label, change, field) => {
      const res = await t
        .http()
        .post('/api/v1/organisations')
        .set(admin.auth)
        .send({ ...receiverBody(uniqueUscc()), ...change })
        .expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    });

    it('registers a medical generator and a regulator with their specific fields', async () => {
      const hospital = await t
        .http()
        .post('/api/v1/organisations')
        .set(admin.auth)
        .send({ ...receiverBody(uniqueUscc()), roles: ['generator'], generatorKind: 'medical', medicalLevel: 'secondary', managementClass: 'key' })
        .expect(201);
      expect(hospital.body).toMatchObject({ generatorKind: 'medical', medicalLevel: 'secondary', managementClass: 'key' });
      const regulator = await t
        .http()
        .post('/api/v1/organisations')
        .set(admin.auth)
        .send({ ...receiverBody(uniqueUscc('500100', '11')), roles: ['regulator'], jurisdiction: ['500100'] })
        .expect(201);
      expect(regulator.body.jurisdiction).toEqual(['500100']);
    });
  });

  describe('who sees which organisations', () => {
    it('shows a platform admin every organisation, paginated', async () => {
      const all = await t.http().get('/api/v1/organisations').query({ limit: 200 }).set(admin.auth).expect(200);
      expect(all.body.total).toBeGreaterThanOrEqual(DEMO_ORGS.length);
      const page = await t.http().get('/api/v1/organisations').query({ limit: 3, offset: 2 }).set(admin.auth).expect(200);
      expect(page.body).toMatchObject({ total: all.body.total, limit: 3, offset: 2 });
      expect(page.body.items.map((o: { id: string }) => o.id)).toEqual(all.body.items.slice(2, 5).map((o: { id: string }) => o.id));
    });

    it('shows the district regulator the organisations of its district only', async () => {
      const res = await t.http().get('/api/v1/organisations').query({ limit: 200 }).set(demoToken('regulator')).expect(200);
      const divisions = new Set(res.body.items.map((o: { divisionCode: string }) => o.divisionCode));
      expect([...divisions]).toEqual(['500106']);
      const names = res.body.items.map((o: { name: string }) => o.name);
      expect(names).toContain('沙坪坝示范医院（三甲）');
      // 山城医废专运 sits in 渝北区 (500112).
      expect(names).not.toContain('山城医废专运有限公司');
    });

    it('matches a city-level jurisdiction by prefix (500100 covers 500106 and 500112)', async () => {
      const cityRegulator = await givenUserToken(t, await givenRegulator(t, ['500100']), 'viewer');
      const res = await t.http().get('/api/v1/organisations').query({ limit: 200, role: 'transporter' }).set(cityRegulator.auth).expect(200);
      const names = res.body.items.map((o: { name: string }) => o.name);
      expect(names).toEqual(expect.arrayContaining(['渝西危险货物运输有限公司', '山城医废专运有限公司']));
      expect(res.body.items.every((o: { roles: string[] }) => o.roles.includes('transporter'))).toBe(true);
    });

    it('shows a company only itself', async () => {
      const res = await t.http().get('/api/v1/organisations').set(demoToken('hospital')).expect(200);
      expect(res.body.total).toBe(1);
      expect(res.body.items[0].name).toBe('沙坪坝示范医院（三甲）');
    });

    it('answers 404, not 403, for an organisation the caller may not see, just as for one that does not exist', async () => {
      const carrier2 = DEMO_ORGS.find((o) => o.key === 'carrier2')!;
      const hidden = await t.http().get(`/api/v1/organisations/${carrier2.id}`).set(demoToken('regulator')).expect(404);
      const missing = await t.http().get('/api/v1/organisations/00000000-0000-4000-8000-999999999999').set(demoToken('regulator')).expect(404);
      const malformed = await t.http().get('/api/v1/organisations/not-a-uuid').set(demoToken('regulator')).expect(404);
      expect([hidden.body.error.code, missing.body.error.code, malformed.body.error.code]).toEqual(['NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND']);
      expect(hidden.body.error.message).toBe(missing.body.error.message);
    });
  });

  describe('changing an organisation', () => {
    it('lets its admin change contact and location, and keeps the previous values', async () => {
      const org = await givenGenerator(t);
      const own = await givenUserToken(t, org, 'admin');
      const res = await t
        .http()
        .patch(`/api/v1/organisations/${org.id}`)
        .set(own.auth)
        .send({ address: '新地址', contactName: '新联系人', contactPhone: '13800000000', lat: 29.5, lng: 106.4, managementClass: 'simplified' })
        .expect(200);
      expect(res.body).toMatchObject({ address: '新地址', contactName: '新联系人', lat: 29.5, lng: 106.4, managementClass: 'simplified' });
      expect(new Date(res.body.updatedAt).getTime()).toBeGreaterThan(new Date(res.body.createdAt).getTime());
      const history = (await t.db.query(`SELECT changed_by, previous FROM organisation_history WHERE organisation_id = $1`, [org.id])) as {
        changed_by: string;
        previous: { address: string };
      }[];
      expect(history).toEqual([{ changed_by: own.userId, previous: expect.objectContaining({ address: '测试地址' }) }]);
      const events = (await t.db.query(`SELECT type, payload FROM events WHERE subject_type = 'organisation' AND subject_id = $1`, [org.id])) as {
        type: string;
        payload: { address: string };
      }[];
      expect(events).toEqual([expect.objectContaining({ type: 'organisation.updated', payload: expect.objectContaining({ address: '新地址' }) })]);
    });

    it('refuses identity fields (USCC, name, roles) with VALIDATION_FAILED', async () => {
      const org = await givenGenerator(t);
      const res = await t.http().patch(`/api/v1/organisations/${org.id}`).set(admin.auth).send({ name: '改名', roles: ['receiver'] }).expect(400);
      expect(res.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['name', 'roles']);
    });

    it('refuses an operator (403), the regulator covering it (403) and another company (404)', async () => {
      const org = await givenGenerator(t);
      const operator = await givenUserToken(t, org, 'operator');
      const regulator = await givenUserToken(t, await givenRegulator(t, ['500106']), 'admin');
      const other = await givenUserToken(t, await givenTransporter(t), 'admin');
      await t.http().patch(`/api/v1/organisations/${org.id}`).set(operator.auth).send({ address: 'x' }).expect(403);
      await t.http().patch(`/api/v1/organisations/${org.id}`).set(regulator.auth).send({ address: 'x' }).expect(403);
      await t.http().patch(`/api/v1/organisations/${org.id}`).set(other.auth).send({ address: 'x' }).expect(404);
    });
  });

  describe('GET /me', () => {
    it('tells a company user who they are', async () => {
      const res = await t.http().get('/api/v1/me').set(demoToken('hospital')).expect(200);
      expect(res.body).toMatchObject({
        user: { role: 'admin' },
        organisation: { name: '沙坪坝示范医院（三甲）', generatorKind: 'medical', medicalLevel: 'tertiary' },
        roles: ['generator'],
        jurisdiction: [],
      });
    });

    it('gives a regulator its jurisdiction and a platform admin no organisation', async () => {
      const regulator = await t.http().get('/api/v1/me').set(demoToken('regulator')).expect(200);
      expect(regulator.body).toMatchObject({ roles: ['regulator'], jurisdiction: ['500106'] });
      const platform = await t.http().get('/api/v1/me').set(demoToken('platform')).expect(200);
      expect(platform.body).toMatchObject({ user: { role: 'platform_admin', organisationId: null }, organisation: null, roles: [] });
    });
  });
});
