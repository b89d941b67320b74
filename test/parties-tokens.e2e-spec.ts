import { hashToken } from '@app/parties';
import { Caller, Org, givenGenerator, givenPlatformAdmin, givenRegulator, givenToken, givenUser, givenUserToken } from './support/factories';
import { TestApp, startTestApp } from './support/test-app';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe('API tokens', () => {
  let t: TestApp;
  let org: Org;
  let admin: Caller;
  let operatorId: string;
  /** Everything the app wrote to stdout, stderr and the console while these tests ran (logging at trace). */
  const logs: string[] = [];
  const spies: jest.SpyInstance[] = [];

  beforeAll(async () => {
    const capture = (chunk: unknown): boolean => {
      logs.push(String(chunk));
      return true;
    };
    spies.push(jest.spyOn(process.stdout, 'write').mockImplementation(capture));
    spies.push(jest.spyOn(process.stderr, 'write').mockImplementation(capture));
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      spies.push(jest.spyOn(console, method).mockImplementation((...args: unknown[]) => void logs.push(args.map(String).join(' '))));
    }
    t = await startTestApp('parties-tokens', { LOG_LEVEL: 'trace' });
    org = await givenGenerator(t);
    admin = await givenUserToken(t, org, 'admin');
    operatorId = await givenUser(t, org, 'operator');
  });
  afterAll(async () => {
    await t.close();
    for (const spy of spies) spy.mockRestore();
  });

  const issued: string[] = [];
  const issue = async (caller: { Authorization: string }, userId: string, body: object = { name: 'scanner-01' }) => {
    const res = await t.http().post(`/api/v1/users/${userId}/tokens`).set(caller).send(body);
    if (res.status === 201) issued.push(res.body.token);
    return res;
  };

  it('issues a token once, which then works, and revoking it makes it fail with 401', async () => {
    const res = await issue(admin.auth, operatorId);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ userId: operatorId, name: 'scanner-01', status: 'active', revokedAt: null, expiresAt: null });
    expect(res.body.token).toMatch(/^wl_[A-Za-z0-9_-]{43}$/);

    const me = await t.http().get('/api/v1/me').set(bearer(res.body.token)).expect(200);
    expect(me.body.user.id).toBe(operatorId);
    expect(me.body.tokenId).toBe(res.body.id);

    const revoked = await t.http().delete(`/api/v1/tokens/${res.body.id}`).set(admin.auth).expect(200);
    expect(revoked.body).toMatchObject({ id: res.body.id, status: 'revoked' });
    expect(revoked.body.revokedAt).toEqual(expect.any(String));
    const after = await t.http().get('/api/v1/me').set(bearer(res.body.token)).expect(401);
    expect(after.body.error.code).toBe('UNAUTHENTICATED');

    // Revoking again changes nothing.
    const again = await t.http().delete(`/api/v1/tokens/${res.body.id}`).set(admin.auth).expect(200);
    expect(again.body.revokedAt).toBe(revoked.body.revokedAt);
  });

  it('refuses an expired token with 401 and lists it as expired', async () => {
    const expired = await givenToken(t, operatorId, { expiresAt: new Date(Date.now() - 1000), name: 'old-scanner' });
    const res = await t.http().get('/api/v1/me').set(expired.auth).expect(401);
    expect(res.body.error.code).toBe('UNAUTHENTICATED');
    const list = await t.http().get(`/api/v1/users/${operatorId}/tokens`).set(admin.auth).expect(200);
    expect(list.body.items).toContainEqual(expect.objectContaining({ id: expired.tokenId, status: 'expired' }));
  });

  it('stops a token at its expiry even when it was just used', async () => {
    const res = await issue(admin.auth, operatorId, { name: 'short', expiresAt: new Date(Date.now() + 1500).toISOString() });
    expect(res.status).toBe(201);
    await t.http().get('/api/v1/me').set(bearer(res.body.token)).expect(200);
    await new Promise((resolve) => setTimeout(resolve, 1700));
    await t.http().get('/api/v1/me').set(bearer(res.body.token)).expect(401);
  });

  it('refuses an expiry in the past or one that is not a timestamp, naming expiresAt', async () => {
    for (const expiresAt of [new Date(Date.now() - 60_000).toISOString(), 'tomorrow']) {
      const res = await issue(admin.auth, operatorId, { name: 'x', expiresAt });
      expect(res.status).toBe(400);
      expect(res.body.error.details[0].field).toBe('expiresAt');
    }
  });

  it('never shows the token or its hash when listing, and records when it was last used', async () => {
    const res = await issue(admin.auth, operatorId, { name: 'listed' });
    await t.http().get('/api/v1/me').set(bearer(res.body.token)).expect(200);
    const list = await t.http().get(`/api/v1/users/${operatorId}/tokens`).set(admin.auth).expect(200);
    const listed = list.body.items.find((i: { id: string }) => i.id === res.body.id);
    expect(Object.keys(listed).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'name', 'revokedAt', 'status', 'userId']);
    expect(listed.lastUsedAt).toEqual(expect.any(String));
    const text = JSON.stringify(list.body);
    const hash = hashToken(res.body.token);
    for (const secret of issued) expect(text).not.toContain(secret);
    expect(text).not.toContain(hash.toString('hex'));
    expect(text).not.toContain(hash.toString('base64'));
  });

  it('lets users issue tokens for themselves, but not for a colleague unless they are an admin', async () => {
    const operator = await givenToken(t, operatorId);
    const viewerId = await givenUser(t, org, 'viewer');
    const viewer = await givenToken(t, viewerId);
    expect((await issue(operator.auth, operatorId)).status).toBe(201);
    expect((await issue(viewer.auth, viewerId)).status).toBe(201);
    expect((await issue(operator.auth, viewerId)).status).toBe(403);
    expect((await t.http().get(`/api/v1/users/${viewerId}/tokens`).set(operator.auth)).status).toBe(403);
    expect((await t.http().delete(`/api/v1/tokens/${viewer.tokenId}`).set(operator.auth)).status).toBe(403);
    // The user may revoke their own.
    await t.http().delete(`/api/v1/tokens/${operator.tokenId}`).set(operator.auth).expect(200);
    await t.http().get('/api/v1/me').set(operator.auth).expect(401);
  });

  it('hides accounts of other organisations (404), and a regulator may see but not manage them (403)', async () => {
    const stranger = await givenUserToken(t, await givenGenerator(t, { division: '500112' }), 'admin');
    const regulator = await givenUserToken(t, await givenRegulator(t, [org.divisionCode]), 'admin');
    expect((await issue(stranger.auth, operatorId)).status).toBe(404);
    expect((await t.http().get(`/api/v1/users/${operatorId}/tokens`).set(stranger.auth)).status).toBe(404);
    expect((await issue(regulator.auth, operatorId)).status).toBe(403);
    const platform = await givenPlatformAdmin(t);
    expect((await issue(platform.auth, operatorId)).status).toBe(201);
  });

  it('adds users to an organisation, a driver user naming its driver record', async () => {
    const created = await t.http().post(`/api/v1/organisations/${org.id}/users`).set(admin.auth).send({ name: '新同事', role: 'viewer' }).expect(201);
    expect(created.body).toMatchObject({ organisationId: org.id, role: 'viewer', driverId: null });
    const noDriver = await t.http().post(`/api/v1/organisations/${org.id}/users`).set(admin.auth).send({ name: '司机', role: 'driver' }).expect(400);
    expect(noDriver.body.error.details[0].field).toBe('driverId');
    const bad = await t.http().post(`/api/v1/organisations/${org.id}/users`).set(admin.auth).send({ name: 'x', role: 'platform_admin' }).expect(400);
    expect(bad.body.error.details[0].field).toBe('role');
    const list = await t.http().get(`/api/v1/organisations/${org.id}/users`).set(admin.auth).expect(200);
    expect(list.body.items.map((u: { name: string }) => u.name)).toContain('新同事');
  });

  it('never writes a token or its hash to the logs', () => {
    const text = logs.join('\n');
    // The logs are on (trace) and did record the token requests, so the check below is not vacuous.
    expect(text).toMatch(/\/api\/v1\/users\/[0-9a-f-]{36}\/tokens/);
    expect(issued.length).toBeGreaterThan(5);
    for (const secret of [...issued, admin.token]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(hashToken(secret).toString('hex'));
    }
  });
});
