import { setTimeout as sleep } from 'node:timers/promises';
import { medicalBag } from '../support/demo';
import { ApiProcess, spawnApi, stopAll, uniquePrefix } from '../support/processes';
import { FaultDb, Registered, Reply, call, chainBreaks, isErrorShape, one, registerDrums, scanInvariants, seededDatabase, submittedManifest } from './fault-support';
import { ProxyMode, TcpProxy } from './tcp-proxy';

/**
 * The database goes away under a running API, three ways (see TcpProxy): connections reset, the
 * port refusing, and a partition where new connections hang. While it is away every request must be
 * answered 503 SERVICE_UNAVAILABLE with Retry-After in the one error shape (never a 500, never no
 * answer), and once the proxy passes traffic again the same process must serve again, no restart.
 * Scans refused with 503 are retried by the client afterwards, and end up recorded exactly once.
 */

interface Probe {
  what: string;
  sentIn: string;
  answeredIn: string;
  reply: Reply;
  scan?: Record<string, unknown>;
}

const OUTAGE_MS = 4_000;
const MODES: Exclude<ProxyMode, 'pass'>[] = ['reset', 'refuse', 'blackhole'];

describe('Postgres cut away from a running API', () => {
  let db: FaultDb;
  let api: ApiProcess;
  let proxy: TcpProxy;
  let drums: Registered[];
  let manifestId: string;
  const device = 'pda-outage';
  let nextDrum = 0;
  let nextKey = 0;
  let phase = 'before';
  const probes: Probe[] = [];

  beforeAll(async () => {
    db = await seededDatabase('pgcut');
    proxy = new TcpProxy('127.0.0.1', Number(new URL(db.url).port || 5432));
    await proxy.listen();
    const viaProxy = new URL(db.url);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    api = await spawnApi({ databaseUrl: viaProxy.toString(), redisUrl: 'redis://127.0.0.1:6379', queuePrefix: uniquePrefix('pgcut') });
    drums = await registerDrums(api.base, 400);
    manifestId = await submittedManifest(api.base, drums);
  });
  afterAll(async () => {
    await stopAll();
    await proxy?.close();
    await db?.drop();
  });

  /** One request of the mix a busy district sends: reads, a custody scan, a registration, health. */
  async function probe(kind: number): Promise<Probe> {
    const sentIn = phase;
    let what: string;
    let reply: Reply;
    let scan: Record<string, unknown> | undefined;
    // Each scan loads a drum of its own; once all are loaded (a fast machine sends more), scans
    // give way to reads rather than repeat a drum and get a legitimate ALREADY_LOADED.
    switch (kind % 4 === 1 && nextDrum >= drums.length ? 0 : kind % 4) {
      case 0:
        what = 'GET manifest';
        reply = await call(api.base, 'GET', `/api/v1/manifests/${manifestId}`, { key: 'factory', timeoutMs: 15_000 });
        break;
      case 1: {
        what = 'POST scan';
        const drum = drums[nextDrum++];
        scan = { idempotencyKey: `k${nextKey++}`, deviceId: device, kind: 'load', manifestId, label: drum.qrPayload, deviceTime: new Date(Date.now() - 60_000).toISOString() };
        reply = await call(api.base, 'POST', '/api/v1/scans', { key: 'carrier1', body: scan, timeoutMs: 15_000 });
        break;
      }
      case 2:
        what = 'POST containers';
        reply = await call(api.base, 'POST', '/api/v1/containers', { key: 'hospital', body: { containers: [medicalBag({ components: 'outage-probe' })] }, timeoutMs: 15_000 });
        break;
      default:
        what = 'GET health';
        reply = await call(api.base, 'GET', '/api/v1/health', { timeoutMs: 15_000 });
    }
    const p = { what, sentIn, answeredIn: phase, reply, scan };
    probes.push(p);
    return p;
  }

  /** Four clients sending the mix until `stop` says so. */
  function traffic(): { stop: () => Promise<void> } {
    let running = true;
    const clients = [0, 1, 2, 3].map(async (c) => {
      for (let i = c; running; i += 4) {
        await probe(i);
        await sleep(20);
      }
    });
    return {
      stop: async () => {
        running = false;
        await Promise.all(clients);
      },
    };
  }

  async function recovered(timeoutMs = 30_000): Promise<number> {
    const started = Date.now();
    while (Date.now() - started < timeoutMs) {
      const p = await probe(0);
      if (p.reply.status === 200) return Date.now() - started;
      await sleep(200);
    }
    throw new Error(`no recovery within ${timeoutMs} ms; last: ${probes.at(-1)?.reply.status} ${probes.at(-1)?.reply.text.slice(0, 200)}`);
  }

  it.each(MODES)('answers 503 with Retry-After while the database is away (%s), and serves again without a restart', async (mode) => {
    phase = `${mode}:before`;
    const load = traffic();
    await sleep(1_000);
    phase = `${mode}:outage`;
    await proxy.set(mode);
    // A partition is only noticed through the connect timeout (5 s), so it is held longer.
    await sleep(mode === 'blackhole' ? OUTAGE_MS + 6_000 : OUTAGE_MS);
    phase = `${mode}:restored`;
    await proxy.set('pass');
    const recoveryMs = await recovered();
    phase = `${mode}:after`;
    await sleep(1_500);
    await load.stop();

    const mine = probes.filter((p) => p.sentIn.startsWith(`${mode}:`));
    const during = mine.filter((p) => p.sentIn === `${mode}:outage` && p.answeredIn === `${mode}:outage`);
    const summary = (ps: Probe[]): Record<string, number> =>
      ps.reduce<Record<string, number>>((acc, p) => ({ ...acc, [`${p.what} ${p.reply.status}`]: (acc[`${p.what} ${p.reply.status}`] ?? 0) + 1 }), {});
    process.stdout.write(`[postgres-outage] ${mode}: ${mine.length} requests, recovered in ${recoveryMs} ms; during: ${JSON.stringify(summary(during))}\n`);

    // Never a 500, never a dropped connection, in any phase.
    expect(mine.filter((p) => p.reply.status === 0 || p.reply.status >= 500 && p.reply.status !== 503).map((p) => `${p.what} ${p.sentIn}/${p.answeredIn} ${p.reply.status} ${p.reply.text.slice(0, 200)}`)).toEqual([]);
    expect(during.length).toBeGreaterThan(4);
    for (const p of during) {
      expect({ what: p.what, status: p.reply.status }).toEqual({ what: p.what, status: 503 });
      expect(p.reply.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(isErrorShape(p.reply.body)).toBe(true);
      expect((p.reply.body as { error: { code: string } }).error.code).toBe('SERVICE_UNAVAILABLE');
    }
    // Served again by the same process: everything sent after recovery succeeds.
    const after = mine.filter((p) => p.sentIn === `${mode}:after`);
    expect(after.length).toBeGreaterThan(0);
    expect(after.filter((p) => p.reply.status >= 300).map((p) => `${p.what} ${p.reply.status} ${p.reply.text.slice(0, 200)}`)).toEqual([]);
    expect(api.running).toBe(true);
  });

  it('loses no scan and records none twice: the 503s are retried with their keys and land once', async () => {
    const scans = probes.filter((p) => p.scan);
    const refused = scans.filter((p) => p.reply.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    // A 503 leaves nothing behind, or (when the commit raced the cut) the whole scan: never a part.
    for (const p of refused) {
      const { rows } = await db.pool.query(`SELECT kind, manifest_id FROM scans WHERE device_id = $1 AND idempotency_key = $2`, [device, p.scan!.idempotencyKey]);
      if (rows.length) expect(rows).toEqual([{ kind: 'load', manifest_id: manifestId }]);
    }
    // The device uploads its outbox (everything not answered for good) again, same keys, same scans.
    const outbox = refused.map((p) => p.scan!);
    for (let i = 0; i < outbox.length; i += 500) {
      const r = await call(api.base, 'POST', '/api/v1/scans/batch', { key: 'carrier1', body: { scans: outbox.slice(i, i + 500) }, timeoutMs: 60_000 });
      expect(r.status).toBe(200);
      const codes = (r.body as { results: { code: string }[] }).results.map((x) => x.code);
      expect(codes.filter((c) => c !== 'ACCEPTED' && c !== 'ALREADY_LOADED')).toEqual([]);
    }
    const inv = await scanInvariants(db.pool, [device]);
    // Every key the device sent is recorded exactly once, with its answer.
    expect(inv.rows).toBe(new Set(scans.map((p) => p.scan!.idempotencyKey)).size);
    expect(inv.duplicateKeys).toBe(0);
    expect(inv.eventsPerAccepted).toEqual({ missing: 0, extra: 0 });
    const answered201 = scans.filter((p) => p.reply.status === 201).map((p) => p.scan!.idempotencyKey);
    const { rows: acceptedRows } = await db.pool.query(`SELECT idempotency_key FROM scans WHERE device_id = $1 AND accepted AND idempotency_key = ANY($2)`, [device, answered201]);
    expect(acceptedRows).toHaveLength(answered201.length);
    expect(await chainBreaks(db.pool)).toBe(0);
    const registrations = probes.filter((p) => p.what === 'POST containers');
    const { n } = await one<{ n: number }>(db.pool, `SELECT count(*)::int AS n FROM containers WHERE components = 'outage-probe'`);
    expect(n).toBeGreaterThanOrEqual(registrations.filter((p) => p.reply.status === 201).length);
    expect(n).toBeLessThanOrEqual(registrations.filter((p) => p.reply.status === 201 || p.sentIn !== p.answeredIn).length);
  });
});
