import type { INestApplicationContext } from '@nestjs/common';
import { IncomingHttpHeaders, Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { SweepService, WEBHOOK_HEADERS, WebhooksService, startReconciliationWorker, verifyWebhookSignature } from '@app/reconciliation';
import { DEMO_USERS } from '../seeds/demo-district';
import { runSeeds } from '../seeds/run';
import { bearer, medicalBag, oilDrum, org } from './support/demo';
import { givenRegulator, givenUserToken } from './support/factories';
import { TestApp, startTestApp, testConfig } from './support/test-app';

/** Alerts as their readers see them: who sees which, filters and pages, triage, and webhooks. */

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const PLATFORM = `Bearer ${DEMO_USERS.find((u) => u.role === 'platform_admin')!.token}`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const daysAgo = (n: number): string => new Date(Date.now() - n * 86_400_000).toISOString();

/** A webhook receiver on 127.0.0.1: /ok answers 204, /flaky fails twice then succeeds, /down always fails. */
async function webhookReceiver(): Promise<{ base: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  let flaky = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const path = req.url ?? '';
      received.push({ path, headers: req.headers, body });
      const fail = path.startsWith('/down') || (path.startsWith('/flaky') && ++flaky <= 2);
      res.writeHead(fail ? 500 : 204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('alerts API and webhooks', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let hooks: Awaited<ReturnType<typeof webhookReceiver>>;
  let outsider: { Authorization: string };

  beforeAll(async () => {
    t = await startTestApp('recapi');
    await runSeeds(t.config.databaseUrl, { quiet: true });
    worker = await startReconciliationWorker(testConfig({ DATABASE_URL: t.config.databaseUrl, QUEUE_PREFIX: t.config.queuePrefix }), {
      schedule: false,
      webhook: { backoffMs: 50, attempts: 4, maxConsecutiveFailures: 3 },
    });
    hooks = await webhookReceiver();
    outsider = (await givenUserToken(t, await givenRegulator(t, ['500112']), 'admin')).auth;
  });
  afterAll(async () => {
    await worker.close();
    await hooks.close();
    await t.close();
  });

  const http = () => t.http();
  async function staleContainer(key: string, container: Record<string, unknown>): Promise<string> {
    const res = await http().post('/api/v1/containers').set('Authorization', bearer(key)).send({ containers: [container] }).expect(201);
    return res.body.containers[0].id as string;
  }
  const staleBag = (key = 'hospital') => staleContainer(key, medicalBag({ generatedAt: daysAgo(3) }));
  async function alertAbout(subjectId: string): Promise<{ id: string }> {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const [row] = (await t.db.query(`SELECT id FROM alerts WHERE subject_id = $1 AND status <> 'resolved'`, [subjectId])) as { id: string }[];
      if (row || Date.now() > deadline) return row;
      await sleep(50);
    }
  }
  const list = (auth: string | { Authorization: string }, query: Record<string, string | number> = {}) =>
    http()
      .get('/api/v1/alerts')
      .query({ limit: 500, ...query })
      .set(typeof auth === 'string' ? { Authorization: auth } : auth)
      .expect(200)
      .then((r) => r.body as { alerts: { id: string; rule: string; status: string }[]; next: string | null });
  const ids = (page: { alerts: { id: string }[] }): string[] => page.alerts.map((a) => a.id);
  async function waitFor<T>(probe: () => T | Promise<T>, ok: (v: T) => boolean, ms = 5_000): Promise<T> {
    const deadline = Date.now() + ms;
    let value = await probe();
    while (!ok(value) && Date.now() < deadline) {
      await sleep(50);
      value = await probe();
    }
    return value;
  }

  it('shows parties the alerts about themselves, regulators those in their jurisdiction, nobody else', async () => {
    const hospitalAlert = (await alertAbout(await staleBag())).id;
    const factoryAlert = (await alertAbout(await staleContainer('factory', oilDrum({ generatedAt: daysAgo(400) })))).id;

    expect(ids(await list(bearer('hospital')))).toContain(hospitalAlert);
    expect(ids(await list(bearer('hospital')))).not.toContain(factoryAlert);
    expect(ids(await list(bearer('carrier2')))).not.toContain(hospitalAlert);
    for (const auth of [bearer('regulator'), PLATFORM]) expect(ids(await list(auth))).toEqual(expect.arrayContaining([hospitalAlert, factoryAlert]));
    expect(ids(await list(outsider))).toEqual([]);

    const mine = await http().get(`/api/v1/alerts/${hospitalAlert}`).set('Authorization', bearer('hospital')).expect(200);
    expect(mine.body).toMatchObject({ rule: 'STORED_TOO_LONG', severity: 'high', subjectType: 'container', organisationId: org('hospital'), divisionCode: '500106', status: 'open' });
    expect(mine.body.title).toEqual({ zh: '贮存超期', en: 'Stored too long' });
    await http().get(`/api/v1/alerts/${factoryAlert}`).set('Authorization', bearer('hospital')).expect(404);
    await http().get(`/api/v1/alerts/${hospitalAlert}`).set(outsider).expect(404);
  });

  it('filters by rule, severity, organisation, status and age, and pages newest first', async () => {
    const a = (await alertAbout(await staleBag('clinic'))).id;
    const b = (await alertAbout(await staleBag('clinic'))).id;
    const clinic = { organisationId: org('clinic') };
    expect(ids(await list(bearer('regulator'), { ...clinic, rule: 'STORED_TOO_LONG', severity: 'high', status: 'open' }))).toEqual([b, a]);
    expect(ids(await list(bearer('regulator'), { ...clinic, severity: 'low' }))).toEqual([]);
    expect(ids(await list(bearer('regulator'), { ...clinic, rule: 'LABEL_FORGED' }))).toEqual([]);
    expect(ids(await list(bearer('regulator'), { ...clinic, status: 'resolved' }))).toEqual([]);
    expect(ids(await list(bearer('regulator'), { ...clinic, status: 'active', maxAgeHours: 1 }))).toEqual([b, a]);
    expect(ids(await list(bearer('regulator'), { ...clinic, minAgeHours: 1 }))).toEqual([]);

    const first = await list(bearer('regulator'), { ...clinic, limit: 1 });
    expect(ids(first)).toEqual([b]);
    const second = await list(bearer('regulator'), { ...clinic, limit: 1, after: first.next! });
    expect(ids(second)).toEqual([a]);
    expect(second.next).toBeNull();
    await http().get('/api/v1/alerts').query({ after: 'bm90LWEtY3Vyc29y' }).set('Authorization', bearer('regulator')).expect(400);
  });

  it('goes open -> acknowledged -> resolved by a regulator of the jurisdiction only, each step in the ledger', async () => {
    const bag = await staleBag();
    const { id } = await alertAbout(bag);
    await http().post(`/api/v1/alerts/${id}/acknowledge`).set('Authorization', bearer('hospital')).expect(403);
    await http().post(`/api/v1/alerts/${id}/acknowledge`).set(outsider).expect(404);
    await http().post(`/api/v1/alerts/${id}/acknowledge`).set('Authorization', PLATFORM).expect(403);

    const acked = await http().post(`/api/v1/alerts/${id}/acknowledge`).set('Authorization', bearer('regulator')).expect(200);
    expect(acked.body).toMatchObject({ status: 'acknowledged', acknowledgedBy: DEMO_USERS.find((u) => u.orgKey === 'regulator')!.id });
    const twice = await http().post(`/api/v1/alerts/${id}/acknowledge`).set('Authorization', bearer('regulator')).expect(409);
    expect(twice.body.error.code).toBe('ALERT_WRONG_STATUS');

    await http().post(`/api/v1/alerts/${id}/resolve`).set('Authorization', bearer('regulator')).send({ note: '   ' }).expect(400);
    const resolved = await http().post(`/api/v1/alerts/${id}/resolve`).set('Authorization', bearer('regulator')).send({ note: '医院已于当日补办转移。' }).expect(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', resolvedAutomatically: false, resolutionNote: '医院已于当日补办转移。' });
    await http().post(`/api/v1/alerts/${id}/resolve`).set('Authorization', bearer('regulator')).send({ note: '再次' }).expect(409);

    const steps = (await t.db.query(`SELECT type, actor_user_id FROM events WHERE subject_type = 'alert' AND subject_id = $1 ORDER BY subject_seq`, [id])) as { type: string }[];
    expect(steps.map((s) => s.type)).toEqual(['alert.opened', 'alert.acknowledged', 'alert.resolved']);

    // The bag is still there: the same occurrence, once resolved by a regulator, is not raised again.
    await worker.get(SweepService).sweep('STORED_TOO_LONG');
    expect(ids(await list(bearer('regulator'), { status: 'active', subjectId: bag }))).toEqual([]);
  });

  it('delivers signed notifications to the organisation and to its regulator, not to others', async () => {
    const sub = (auth: string, path: string) => http().post('/api/v1/webhooks').set('Authorization', auth).send({ url: `${hooks.base}${path}` }).expect(201);
    const hospital = (await sub(bearer('hospital'), '/ok/hospital')).body;
    const regulator = (await sub(bearer('regulator'), '/ok/regulator')).body;
    const factory = (await sub(bearer('factory'), '/ok/factory')).body;
    expect(hospital).toMatchObject({ scope: 'party', active: true, secret: expect.stringMatching(/^whsec_/) });
    expect(regulator).toMatchObject({ scope: 'jurisdiction' });
    const listed = await http().get('/api/v1/webhooks').set('Authorization', bearer('hospital')).expect(200);
    expect(listed.body.webhooks).toEqual([expect.objectContaining({ id: hospital.id })]);
    expect(listed.body.webhooks[0].secret).toBeUndefined();
    // Stored sealed: a dump of the database does not give the secret away.
    const stored = async (subscriptionId: string): Promise<string> =>
      ((await t.db.query(`SELECT secret FROM webhook_subscriptions WHERE id = $1`, [subscriptionId])) as { secret: string }[])[0].secret;
    expect(await stored(hospital.id)).toMatch(/^wlbox1\./);
    expect(await stored(hospital.id)).not.toContain(hospital.secret.slice(6));
    // A secret stored in clear before sealing existed still signs, and is sealed by the next start.
    await t.db.query(`UPDATE webhook_subscriptions SET secret = $2 WHERE id = $1`, [regulator.id, regulator.secret]);

    const { id } = await alertAbout(await staleBag());
    const opened = (path: string) => hooks.received.filter((r) => r.path === path && r.body.includes(id));
    await waitFor(() => opened('/ok/regulator').length + opened('/ok/hospital').length, (n) => n >= 2);
    for (const [path, secret] of [['/ok/hospital', hospital.secret], ['/ok/regulator', regulator.secret]] as const) {
      const [r] = opened(path);
      expect(r.headers[WEBHOOK_HEADERS.event]).toBe('alert.opened');
      expect(verifyWebhookSignature({ secret, timestamp: r.headers[WEBHOOK_HEADERS.timestamp] as string, body: r.body, signature: r.headers[WEBHOOK_HEADERS.signature] as string })).toBe(true);
      expect(verifyWebhookSignature({ secret: factory.secret, timestamp: r.headers[WEBHOOK_HEADERS.timestamp] as string, body: r.body, signature: r.headers[WEBHOOK_HEADERS.signature] as string })).toBe(false);
      expect(JSON.parse(r.body)).toMatchObject({ event: 'alert.opened', alert: { id, rule: 'STORED_TOO_LONG', organisationId: org('hospital') } });
    }
    expect(opened('/ok/factory')).toEqual([]);
    expect(await t.app.get(WebhooksService).sealStoredSecrets()).toBe(1);
    expect(await stored(regulator.id)).toMatch(/^wlbox1\./);

    await http().post(`/api/v1/alerts/${id}/acknowledge`).set('Authorization', bearer('regulator')).expect(200);
    await waitFor(() => opened('/ok/hospital').length, (n) => n >= 2);
    expect(JSON.parse(opened('/ok/hospital')[1].body)).toMatchObject({ event: 'alert.acknowledged', alert: { status: 'acknowledged' } });
    // The receiver has the request before the worker records the answer: wait for the record.
    const deliveriesOf = async (): Promise<[string, string][]> => {
      const res = await http().get(`/api/v1/webhooks/${hospital.id}/deliveries`).set('Authorization', bearer('hospital')).expect(200);
      return res.body.deliveries.filter((d: { alertId: string }) => d.alertId === id).map((d: { event: string; status: string }) => [d.event, d.status]);
    };
    const recorded = await waitFor(deliveriesOf, (rows) => rows.length === 2 && rows.every(([, status]) => status !== 'pending'));
    expect(recorded).toEqual([
      ['alert.acknowledged', 'delivered'],
      ['alert.opened', 'delivered'],
    ]);

    for (const w of [hospital, regulator, factory]) {
      await http().delete(`/api/v1/webhooks/${w.id}`).set('Authorization', w === regulator ? bearer('regulator') : w === hospital ? bearer('hospital') : bearer('factory')).expect(204);
    }
    const before = hooks.received.length;
    await alertAbout(await staleBag());
    await sleep(500);
    expect(hooks.received.length).toBe(before);
    expect((await http().get('/api/v1/webhooks').set('Authorization', bearer('hospital')).expect(200)).body.webhooks).toEqual([]);
  });

  it('retries a failing delivery with backoff, and disables a subscription after repeated failures', async () => {
    const flaky = (await http().post('/api/v1/webhooks').set('Authorization', bearer('hospital')).send({ url: `${hooks.base}/flaky`, minSeverity: 'high' }).expect(201)).body;
    const { id } = await alertAbout(await staleBag());
    const delivery = await waitFor(
      async () => ((await http().get(`/api/v1/webhooks/${flaky.id}/deliveries`).set('Authorization', bearer('hospital')).expect(200)).body.deliveries as { alertId: string; status: string; attempts: number }[]).find((d) => d.alertId === id),
      (d) => d?.status === 'delivered',
    );
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 3 });
    const [sub] = (await t.db.query(`SELECT consecutive_failures, active FROM webhook_subscriptions WHERE id = $1`, [flaky.id])) as { consecutive_failures: number; active: boolean }[];
    expect(sub).toEqual({ consecutive_failures: 0, active: true });
    await http().delete(`/api/v1/webhooks/${flaky.id}`).set('Authorization', bearer('hospital')).expect(204);

    const down = (await http().post('/api/v1/webhooks').set('Authorization', bearer('clinic')).send({ url: `${hooks.base}/down` }).expect(201)).body;
    await alertAbout(await staleBag('clinic'));
    const disabled = await waitFor(
      async () => ((await http().get('/api/v1/webhooks').set('Authorization', bearer('clinic')).expect(200)).body.webhooks as { id: string; active: boolean; disabledReason: string | null }[])[0],
      (w) => w?.active === false,
    );
    expect(disabled).toMatchObject({ id: down.id, active: false, disabledReason: expect.stringContaining('3 failed attempts') });
    expect(hooks.received.filter((r) => r.path === '/down')).toHaveLength(3);
    const [{ type }] = (await t.db.query(`SELECT type FROM events WHERE subject_type = 'webhook' AND subject_id = $1 ORDER BY subject_seq DESC LIMIT 1`, [down.id])) as { type: string }[];
    expect(type).toBe('webhook.disabled');
  });

  it('lists the rules, and lets platform admins, and regulators inside their jurisdiction, override thresholds within their bounds', async () => {
    const rules = (await http().get('/api/v1/alert-rules').set('Authorization', bearer('carrier1')).expect(200)).body.rules as { code: string; domainRule: number; title: { zh: string; en: string } }[];
    expect(rules).toHaveLength(19);
    expect(new Set(rules.map((r) => r.domainRule))).toEqual(new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]));
    for (const r of rules) expect(r.title.zh && r.title.en).toBeTruthy();

    const put = (auth: string, rule: string, body: object) => http().put(`/api/v1/alert-rules/${rule}/thresholds`).set('Authorization', auth).send(body);
    // The 沙坪坝区 bureau (jurisdiction 500106) tunes its own district, not the city above it, nor everywhere.
    for (const divisionPrefix of ['5001', '', '500107']) {
      await put(bearer('regulator'), 'STORED_TOO_LONG', { divisionPrefix, params: { medicalHours: 36 } }).expect(403);
    }
    await put(bearer('factory'), 'STORED_TOO_LONG', { divisionPrefix: '500106', params: { medicalHours: 36 } }).expect(403);
    const own = await put(bearer('regulator'), 'STORED_TOO_LONG', { divisionPrefix: '500106', params: { medicalHours: 36 } }).expect(200);
    expect(own.body.overrides).toEqual([expect.objectContaining({ divisionPrefix: '500106', params: { medicalHours: 36 } })]);
    const [recorded] = (await t.db.query(
      `SELECT actor_org_id::text AS org, payload FROM events WHERE type = 'rule_threshold.set' ORDER BY seq DESC LIMIT 1`,
    )) as { org: string; payload: { divisionPrefix: string } }[];
    expect(recorded).toEqual({ org: org('regulator'), payload: expect.objectContaining({ rule: 'STORED_TOO_LONG', divisionPrefix: '500106' }) });
    expect((await put(PLATFORM, 'NO_SUCH_RULE', { divisionPrefix: '', params: {} }).expect(404)).body.error.code).toBe('RULE_UNKNOWN');
    const bad = await put(PLATFORM, 'STORED_TOO_LONG', { divisionPrefix: '500106', params: { medicalHours: 0, colour: 3 } }).expect(400);
    expect(bad.body.error.details.map((d: { param: string }) => d.param).sort()).toEqual(['colour', 'medicalHours']);
    const ok = await put(PLATFORM, 'STORED_TOO_LONG', { divisionPrefix: '5001', params: { medicalHours: 48 } }).expect(200);
    expect(ok.body.overrides).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ divisionPrefix: '5001', params: { medicalHours: 48 } }),
        expect.objectContaining({ divisionPrefix: '500106', params: { medicalHours: 36 } }),
      ]),
    );
  });
});
