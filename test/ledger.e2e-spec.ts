import { Test, TestingModule } from '@nestjs/testing';
import { createPublicKey, randomUUID, verify } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ConfigModule, SigningKey, SIGNING_KEY } from '@app/config';
import { DatabaseModule } from '@app/database';
import {
  CheckpointService,
  LedgerModule,
  LedgerOptions,
  LedgerService,
  NewLedgerEvent,
  VerificationService,
  EncodableEvent,
  dateToMicros,
  encodeCheckpoint,
  eventHash,
  isoToMicros,
  merkleRoot,
} from '@app/ledger';
import { QueueModule } from '@app/queue';
import { cloneTemplate, withAdmin } from './support/databases';
import { testConfig } from './support/test-app';

/** The ledger's services on a database of their own, cloned from the migrated template. */
interface Ledger {
  module: TestingModule;
  db: DataSource;
  ledger: LedgerService;
  checkpoints: CheckpointService;
  verification: VerificationService;
  key: SigningKey;
  close: () => Promise<void>;
}

async function startLedger(label: string, options?: Partial<LedgerOptions>, asUser?: string): Promise<Ledger> {
  const database = await cloneTemplate(label);
  const url = new URL(database.url);
  if (asUser) url.username = asUser;
  const config = testConfig({ DATABASE_URL: url.toString() });
  const module = await Test.createTestingModule({
    imports: [
      ConfigModule.forRoot(config),
      DatabaseModule.forRoot(config, 'ledger-e2e'),
      QueueModule.forRoot(config, 'producer'),
      options ? LedgerModule.register(options) : LedgerModule,
    ],
  }).compile();
  await module.init();
  return {
    module,
    db: module.get(DataSource),
    ledger: module.get(LedgerService),
    checkpoints: module.get(CheckpointService),
    verification: module.get(VerificationService),
    key: module.get<SigningKey>(SIGNING_KEY),
    close: async () => {
      await module.close();
      await database.drop();
    },
  };
}

const actor = { organisationId: randomUUID(), userId: randomUUID(), device: 'scanner-7' };

function containerEvent(subjectId: string, type = 'container.registered', payload: Record<string, unknown> = {}): NewLedgerEvent {
  return { subjectType: 'container', subjectId, type, actor, deviceTime: new Date('2025-03-01T08:00:00.123Z'), payload: { wasteCode: '900-041-49', weightKg: 12.5, ...payload } };
}

async function append(l: Ledger, events: NewLedgerEvent[]): Promise<void> {
  await l.db.transaction((m) => l.ledger.appendMany(m, events));
}

/** A few subjects with interleaved stories: seq order mixes them, subject_seq counts each. */
async function givenStories(l: Ledger, subjects = 3, eventsEach = 4): Promise<string[]> {
  const ids = Array.from({ length: subjects }, () => randomUUID());
  for (let round = 0; round < eventsEach; round++) {
    await append(l, ids.map((id) => containerEvent(id, round === 0 ? 'container.registered' : 'container.scanned', { round })));
  }
  return ids;
}

/** Changes the stored ledger as a superuser would, with the append-only triggers bypassed. */
async function tamper(l: Ledger, sql: string, params: unknown[] = []): Promise<void> {
  await l.db.transaction(async (m) => {
    await m.query(`SET LOCAL session_replication_role = replica`);
    await m.query(sql, params);
  });
}

/** An event's hashed fields as stored, to forge a consistent rewrite. */
async function hashedFields(l: Ledger, seq: string): Promise<EncodableEvent> {
  const [r] = (await l.db.query(
    `SELECT id::text AS id, prev_hash, subject_type, subject_id::text AS subject_id, subject_seq, type,
            actor_org_id::text AS actor_org_id, actor_user_id::text AS actor_user_id, actor_device,
            (extract(epoch FROM device_time) * 1000000)::bigint::text AS device_us,
            (extract(epoch FROM server_time) * 1000000)::bigint::text AS server_us, payload::text AS payload_json
     FROM events WHERE seq = $1`,
    [seq],
  )) as Record<string, string | number | Buffer | null>[];
  return {
    id: r.id as string,
    prevHash: r.prev_hash as Buffer | null,
    subjectType: r.subject_type as string,
    subjectId: r.subject_id as string,
    subjectSeq: r.subject_seq as number,
    type: r.type as string,
    actorOrgId: r.actor_org_id as string | null,
    actorUserId: r.actor_user_id as string | null,
    actorDevice: r.actor_device as string | null,
    deviceTimeUs: r.device_us === null ? null : BigInt(r.device_us as string),
    serverTimeUs: BigInt(r.server_us as string),
    payloadJson: r.payload_json as string,
  };
}

async function eventRow(l: Ledger, subjectId: string, subjectSeq: number): Promise<{ seq: string }> {
  const [row] = (await l.db.query(`SELECT seq::text AS seq FROM events WHERE subject_id = $1 AND subject_seq = $2`, [subjectId, subjectSeq])) as { seq: string }[];
  return row;
}

describe('Appending to the ledger', () => {
  let l: Ledger;
  beforeAll(async () => {
    l = await startLedger('ledgerappend');
  });
  afterAll(() => l.close());

  it('appends a batch for many subjects with two statements, in order, chained per subject', async () => {
    const ids = Array.from({ length: 200 }, () => randomUUID());
    const events = [...ids.map((id) => containerEvent(id)), containerEvent(ids[0], 'container.stored', { facilityId: randomUUID() })];
    let statements = 0;
    const appended = await l.db.transaction(async (m) => {
      // Counted on the connection itself: the ledger runs its statements as prepared statements.
      const client = (await m.queryRunner!.connect()) as { query: (...args: unknown[]) => unknown };
      const original = client.query.bind(client);
      const spy = jest.spyOn(client, 'query').mockImplementation((...args: unknown[]) => {
        statements++;
        return original(...args);
      });
      try {
        return await l.ledger.appendMany(m, events);
      } finally {
        spy.mockRestore();
      }
    });
    expect(statements).toBe(2);
    expect(appended).toHaveLength(201);
    expect(appended.map((e) => e.subjectSeq)).toEqual([...ids.map(() => 1), 2]);
    const seqs = appended.map((e) => BigInt(e.seq));
    expect(seqs.every((s, i) => i === 0 || s > seqs[i - 1])).toBe(true);

    const story = await l.ledger.subjectEvents('container', ids[0]);
    expect(story.events.map((e) => [e.subjectSeq, e.type])).toEqual([
      [1, 'container.registered'],
      [2, 'container.stored'],
    ]);
    expect(story.events[1].prevHash).toBe(story.events[0].hash);
    expect(story.events[0].actor).toEqual(actor);
    expect(story.events[0].deviceTime).toBe('2025-03-01T08:00:00.123000Z');
    expect(await l.verification.verifySubject('container', ids[0])).toEqual({ ok: true, events: 2, sealed: 0 });
  });

  it('refuses to append outside a transaction', async () => {
    await expect(l.ledger.append(l.db.manager, containerEvent(randomUUID()))).rejects.toThrow('open transaction');
  });

  it('leaves no event when the command fails half-way', async () => {
    const id = randomUUID();
    await expect(
      l.db.transaction(async (m) => {
        await l.ledger.append(m, containerEvent(id));
        throw new Error('the command fails after appending');
      }),
    ).rejects.toThrow('fails after appending');
    expect(await l.db.query(`SELECT count(*)::int AS n FROM events WHERE subject_id = $1`, [id])).toEqual([{ n: 0 }]);
    expect(await l.db.query(`SELECT count(*)::int AS n FROM ledger_heads WHERE subject_id = $1`, [id])).toEqual([{ n: 0 }]);
  });

  it('serialises concurrent appends to one subject without gaps or forks', async () => {
    const id = randomUUID();
    await append(l, [containerEvent(id)]);
    await Promise.all(Array.from({ length: 12 }, (_, i) => append(l, [containerEvent(id, 'container.scanned', { i })])));
    const story = await l.ledger.subjectEvents('container', id);
    expect(story.events.map((e) => e.subjectSeq)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
    expect((await l.verification.verifySubject('container', id)).ok).toBe(true);
  });

  it('refuses a payload the database could not give back unchanged, with a domain error', async () => {
    await expect(append(l, [containerEvent(randomUUID(), 'container.registered', { notes: 'nul\u0000byte' })])).rejects.toMatchObject({
      code: 'LEDGER_PAYLOAD_INVALID',
      status: 422,
    });
  });

  it('pages through a long story by keyset, in order, without repeats', async () => {
    const id = randomUUID();
    const total = 2_500;
    for (let i = 0; i < total; i += 500) {
      await append(l, Array.from({ length: 500 }, (_, j) => containerEvent(id, 'container.scanned', { n: i + j })));
    }
    const seen: number[] = [];
    let afterSeq: number | undefined;
    for (;;) {
      const page = await l.ledger.subjectEvents('container', id, { afterSeq, limit: 400 });
      seen.push(...page.events.map((e) => e.subjectSeq));
      if (page.nextAfterSeq === null) break;
      afterSeq = page.nextAfterSeq;
    }
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    const plan = (await l.db.query(
      `EXPLAIN SELECT * FROM events WHERE subject_type = 'container' AND subject_id = $1 AND subject_seq > 2000 ORDER BY subject_seq LIMIT 100`,
      [id],
    )) as { 'QUERY PLAN': string }[];
    expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/Index (Only )?Scan using events_\w*subject/);
  });

  it('answers a story read of an unknown subject with an empty page', async () => {
    expect(await l.ledger.subjectEvents('container', randomUUID())).toEqual({ events: [], nextAfterSeq: null });
  });

  it('refuses UPDATE, DELETE and TRUNCATE of events and checkpoints, on the table and on a partition', async () => {
    const id = randomUUID();
    await append(l, [containerEvent(id)]);
    await l.checkpoints.sealCheckpoint();
    const [{ partition }] = (await l.db.query(`SELECT tableoid::regclass::text AS partition FROM events WHERE subject_id = $1`, [id])) as { partition: string }[];
    for (const sql of [
      `UPDATE events SET payload = '{}' WHERE subject_id = '${id}'`,
      `DELETE FROM events WHERE subject_id = '${id}'`,
      `TRUNCATE events`,
      `TRUNCATE ${partition}`,
      `TRUNCATE events_default`,
      `UPDATE ledger_checkpoints SET key_id = 'x'`,
      `DELETE FROM ledger_checkpoints`,
      `TRUNCATE ledger_checkpoints CASCADE`,
    ]) {
      await expect(l.db.query(sql)).rejects.toThrow(/append-only/);
    }
  });

  it('gives the application role INSERT and SELECT on events and checkpoints, nothing more', async () => {
    const rows = (await l.db.query(
      `SELECT t, p, has_table_privilege('wasteledger_app', t, p) AS granted
       FROM unnest(ARRAY['events','ledger_checkpoints']) t, unnest(ARRAY['SELECT','INSERT','UPDATE','DELETE','TRUNCATE']) p`,
    )) as { t: string; p: string; granted: boolean }[];
    for (const r of rows) expect([r.t, r.p, r.granted]).toEqual([r.t, r.p, r.p === 'SELECT' || r.p === 'INSERT']);
  });

  it('keeps monthly partitions ahead and a default partition', async () => {
    const rows = (await l.db.query(
      `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'events'::regclass ORDER BY 1`,
    )) as { relname: string }[];
    const names = rows.map((r) => r.relname);
    const now = new Date();
    const month = (offset: number): string => {
      const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
      return `events_y${d.getUTCFullYear()}m${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
    };
    expect(names).toEqual(expect.arrayContaining(['events_default', month(-1), month(0), month(3), month(12)]));
    await l.db.query(`SELECT ledger_ensure_partition($1::date)`, ['2040-02-10']);
    expect(await l.db.query(`SELECT to_regclass('events_y2040m02') IS NOT NULL AS made`)).toEqual([{ made: true }]);
  });
});

describe('The ledger as the application role', () => {
  const role = `wl_app_${randomUUID().slice(0, 8)}`;
  let l: Ledger;
  beforeAll(async () => {
    await withAdmin((admin) => admin.query(`CREATE ROLE ${role} LOGIN IN ROLE wasteledger_app`));
    l = await startLedger('ledgerrole', { inFlightWaitMs: 1_000 }, role);
  });
  afterAll(async () => {
    await l.close();
    await withAdmin((admin) => admin.query(`DROP ROLE ${role}`));
  });

  it('appends, seals and verifies with only the privileges production has', async () => {
    const ids = await givenStories(l, 3, 3);
    expect((await l.checkpoints.sealCheckpoint()).sealed).toHaveLength(1);
    expect(await l.verification.verifyRange()).toMatchObject({ ok: true, events: 9, checkpoints: 1 });
    expect(await l.verification.verifySubject('container', ids[0])).toEqual({ ok: true, events: 3, sealed: 3 });
    const recorded = await l.verification.requestVerification({ requestedBy: 'test' });
    expect(recorded.status).toBe('queued');
  });

  it('is refused changes to ledger rows by privilege, before any trigger', async () => {
    for (const sql of [`UPDATE events SET type = 'x.y'`, `DELETE FROM events`, `DELETE FROM ledger_checkpoints`, `ALTER TABLE events DISABLE TRIGGER ALL`]) {
      await expect(l.db.query(sql)).rejects.toThrow(/permission denied|must be owner/);
    }
  });
});

describe('Checkpoints', () => {
  let l: Ledger;
  beforeAll(async () => {
    l = await startLedger('ledgerseal', { inFlightWaitMs: 300, maxEventsPerCheckpoint: 7 });
  });
  afterAll(() => l.close());

  it('has nothing to seal on an empty ledger', async () => {
    expect(await l.checkpoints.sealCheckpoint()).toEqual({ sealed: [], stoppedBecause: 'caught_up' });
  });

  it('seals committed events into signed, chained checkpoints whose roots are the Merkle roots of their hashes', async () => {
    await givenStories(l, 4, 3); // 12 events: checkpoints of 7 and 5
    const result = await l.checkpoints.sealCheckpoint();
    expect(result.stoppedBecause).toBe('caught_up');
    expect(result.sealed.map((c) => [c.fromSeq, c.toSeq, c.eventCount])).toEqual([
      ['1', '7', 7],
      ['8', '12', 5],
    ]);
    const [first, second] = result.sealed;
    expect(second.prevCheckpointId).toBe(first.id);
    expect(second.prevMerkleRoot).toBe(first.merkleRoot);
    const hashes = (await l.db.query(`SELECT hash FROM events WHERE seq BETWEEN 8 AND 12 ORDER BY seq`)) as { hash: Buffer }[];
    expect(merkleRoot(hashes.map((h) => h.hash)).toString('hex')).toBe(second.merkleRoot);
    // The signature checks with nothing but the public key and the documented message.
    const message = encodeCheckpoint({
      id: second.id,
      fromSeq: 8n,
      toSeq: 12n,
      eventCount: 5,
      merkleRoot: Buffer.from(second.merkleRoot, 'hex'),
      prevCheckpointId: first.id,
      prevMerkleRoot: Buffer.from(first.merkleRoot, 'hex'),
      signedAtUs: isoToMicros(second.signedAt),
      keyId: second.keyId,
    });
    const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: l.key.publicKeyRaw }, format: 'jwk' });
    expect(verify(null, message, publicKey, Buffer.from(second.signature, 'base64url'))).toBe(true);
    expect(await l.checkpoints.sealCheckpoint()).toEqual({ sealed: [], stoppedBecause: 'caught_up' });
    expect(await l.verification.verifyRange()).toMatchObject({ ok: true, events: 12, checkpoints: 2, headsChecked: true });
  });

  it('does not seal past an append still in flight, and seals it once committed', async () => {
    const before = await l.checkpoints.latest();
    const runner = l.db.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    // This transaction draws the lower seq and stays open while a later one commits.
    await l.ledger.append(runner.manager, containerEvent(randomUUID()));
    await append(l, [containerEvent(randomUUID())]);
    expect(await l.checkpoints.sealCheckpoint()).toEqual({ sealed: [], stoppedBecause: 'in_flight' });
    await runner.commitTransaction();
    await runner.release();
    const result = await l.checkpoints.sealCheckpoint();
    expect(result.sealed).toHaveLength(1);
    expect(result.sealed[0]).toMatchObject({ fromSeq: String(BigInt(before!.toSeq) + 1n), eventCount: 2 });
  });

  it('seals over the gaps rolled-back appends leave', async () => {
    const start = BigInt((await l.checkpoints.latest())!.toSeq) + 1n;
    await append(l, [containerEvent(randomUUID())]);
    await expect(
      l.db.transaction(async (m) => {
        await l.ledger.appendMany(m, [containerEvent(randomUUID()), containerEvent(randomUUID())]);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await append(l, [containerEvent(randomUUID())]);
    const result = await l.checkpoints.sealCheckpoint();
    // seqs start, start+1 and start+2 were drawn; start+1, start+2 rolled back; start+3 committed.
    expect(result.sealed.map((c) => [c.fromSeq, c.toSeq, c.eventCount])).toEqual([[String(start), String(start + 3n), 2]]);
    expect((await l.verification.verifyRange()).ok).toBe(true);
  });

  it('lets one sealer run at a time, and the chain of checkpoints stays whole', async () => {
    await givenStories(l, 5, 2);
    const results = await Promise.all([l.checkpoints.sealCheckpoint(), l.checkpoints.sealCheckpoint(), l.checkpoints.sealCheckpoint()]);
    expect(results.filter((r) => r.sealed.length > 0).length).toBeGreaterThanOrEqual(1);
    const verified = await l.verification.verifyRange();
    expect(verified).toMatchObject({ ok: true, headsChecked: true });
    const [{ unsealed }] = (await l.db.query(
      `SELECT count(*)::int AS unsealed FROM events WHERE seq > (SELECT max(to_seq) FROM ledger_checkpoints)`,
    )) as { unsealed: number }[];
    expect(unsealed).toBe(0);
  });

  it('verifies a range from the middle, widened to whole checkpoints', async () => {
    const result = await l.verification.verifyRange('9', '10');
    expect(result).toMatchObject({ ok: true, fromSeq: '8', toSeq: '12', checkpoints: 1, headsChecked: false });
  });
});

describe('Tamper detection', () => {
  let l: Ledger;
  let ids: string[];
  beforeEach(async () => {
    l = await startLedger('ledgertamper', { maxEventsPerCheckpoint: 5 });
    ids = await givenStories(l, 3, 4); // seq 1..12; subject i has seqs i+1, i+4, i+7, i+10
    await l.checkpoints.sealCheckpoint(); // 1..5, 6..10, 11..12
    await givenStories(l, 2, 2); // seq 13..16, not sealed
  });
  afterEach(() => l.close());

  it('names the event whose stored row was altered', async () => {
    const { seq } = await eventRow(l, ids[1], 3);
    await tamper(l, `UPDATE events SET payload = jsonb_set(payload, '{weightKg}', '99') WHERE seq = $1`, [seq]);
    const expected = { seq, subjectType: 'container', subjectId: ids[1], subjectSeq: 3, reason: 'hash_mismatch' };
    expect((await l.verification.verifySubject('container', ids[1])).firstBroken).toMatchObject(expected);
    expect(await l.verification.verifyRange()).toMatchObject({ ok: false, firstBroken: expected });
    expect((await l.verification.verifySubject('container', ids[0])).ok).toBe(true);
  });

  it('finds an altered row even when its hash was recomputed to match', async () => {
    // A forger who rewrites an event and its hash consistently breaks the link from the next event.
    const { seq } = await eventRow(l, ids[2], 2);
    const { seq: next } = await eventRow(l, ids[2], 3);
    const forged = { ...(await hashedFields(l, seq)), actorDevice: 'forged-scanner' };
    await tamper(l, `UPDATE events SET actor_device = $2, hash = $3 WHERE seq = $1`, [seq, forged.actorDevice, eventHash(forged)]);
    const expected = { seq: next, subjectSeq: 3, reason: 'prev_hash_mismatch' };
    expect((await l.verification.verifySubject('container', ids[2])).firstBroken).toMatchObject(expected);
    expect((await l.verification.verifyRange()).firstBroken).toMatchObject(expected);
  });

  it('detects a deleted event by the gap it leaves, and by the checkpoint that sealed it', async () => {
    const { seq: deleted } = await eventRow(l, ids[0], 2); // seq 4, sealed in 1..5
    const { seq: next } = await eventRow(l, ids[0], 3);
    await tamper(l, `DELETE FROM events WHERE seq = $1`, [deleted]);
    expect((await l.verification.verifySubject('container', ids[0])).firstBroken).toMatchObject({
      seq: next,
      subjectId: ids[0],
      subjectSeq: 3,
      reason: 'subject_seq_gap',
    });
    // In seq order the signed checkpoint over 1..5 is the first thing that no longer holds.
    const [first] = (await l.db.query(`SELECT id::text AS id FROM ledger_checkpoints WHERE from_seq = 1`)) as { id: string }[];
    expect((await l.verification.verifyRange()).firstBroken).toMatchObject({ checkpointId: first.id, reason: 'checkpoint_count' });
  });

  it('detects a deleted event that was not sealed yet by the gap it leaves', async () => {
    const [late] = (await l.db.query(`SELECT subject_id::text AS id FROM events WHERE seq = 13`)) as { id: string }[];
    const { seq: next } = await eventRow(l, late.id, 2);
    await tamper(l, `DELETE FROM events WHERE seq = 13`);
    expect((await l.verification.verifyRange()).firstBroken).toMatchObject({ seq: next, subjectId: late.id, subjectSeq: 2, reason: 'subject_seq_gap' });
  });

  it('detects a deleted last event by the head, and by the checkpoint that sealed it', async () => {
    const { seq } = await eventRow(l, ids[2], 4); // seq 12, sealed in 11..12
    await tamper(l, `DELETE FROM events WHERE seq = $1`, [seq]);
    expect((await l.verification.verifySubject('container', ids[2])).firstBroken).toMatchObject({ subjectId: ids[2], reason: 'head_mismatch' });
    expect((await l.verification.verifyRange()).firstBroken).toMatchObject({ reason: 'checkpoint_count', seq: null });
    // Even with the head rewound to match, the signed checkpoint still counts the event.
    await tamper(l, `UPDATE ledger_heads h SET last_seq = 3, last_hash = e.hash FROM events e
                     WHERE h.subject_id = $1 AND e.subject_id = $1 AND e.subject_seq = 3`, [ids[2]]);
    expect((await l.verification.verifySubject('container', ids[2])).ok).toBe(true); // its remaining events are intact and sealed
    expect((await l.verification.verifyRange()).firstBroken).toMatchObject({ reason: 'checkpoint_count' });
  });

  it('detects every event of the last checkpoint deleted, heads rewound to match', async () => {
    await tamper(l, `DELETE FROM events WHERE seq > 10`);
    await tamper(l, `DELETE FROM ledger_heads WHERE last_event_seq > 12`);
    await tamper(l, `UPDATE ledger_heads h SET last_seq = e.subject_seq, last_hash = e.hash, last_event_seq = e.seq
                     FROM events e WHERE e.subject_id = h.subject_id AND e.subject_seq = h.last_seq - 1 AND h.last_event_seq > 10`);
    const [last] = (await l.db.query(`SELECT id::text AS id FROM ledger_checkpoints WHERE from_seq = 11`)) as { id: string }[];
    expect((await l.verification.verifyRange()).firstBroken).toMatchObject({ checkpointId: last.id, reason: 'checkpoint_count' });
  });

  it('detects two events swapped (their payloads, or their order)', async () => {
    const a = await eventRow(l, ids[1], 2);
    const b = await eventRow(l, ids[1], 3);
    await tamper(
      l,
      `UPDATE events e SET payload = o.payload FROM events o
       WHERE (e.seq, o.seq) IN (($1::bigint, $2::bigint), ($2::bigint, $1::bigint))`,
      [a.seq, b.seq],
    );
    expect((await l.verification.verifyRange()).firstBroken).toMatchObject({ seq: a.seq, reason: 'hash_mismatch' });

    await l.close();
    l = await startLedger('ledgertamper', { maxEventsPerCheckpoint: 5 });
    ids = await givenStories(l, 3, 4);
    const c = await eventRow(l, ids[1], 2);
    const d = await eventRow(l, ids[1], 3);
    await tamper(l, `UPDATE events SET subject_seq = CASE WHEN seq = $1 THEN 3 ELSE 2 END WHERE seq IN ($1, $2)`, [c.seq, d.seq]);
    expect((await l.verification.verifySubject('container', ids[1])).firstBroken).toMatchObject({ seq: c.seq, reason: 'hash_mismatch' });
  });

  it('detects a checkpoint whose root, range or time was changed, or which was removed', async () => {
    const [second] = (await l.db.query(`SELECT id::text AS id FROM ledger_checkpoints WHERE from_seq = 6`)) as { id: string }[];
    await tamper(l, `UPDATE ledger_checkpoints SET merkle_root = sha256(merkle_root) WHERE id = $1`, [second.id]);
    expect((await l.verification.verifyRange()).firstBroken).toMatchObject({ checkpointId: second.id, reason: 'checkpoint_signature' });
    const sealedIn = await eventRow(l, ids[0], 3); // seq 7, sealed in 6..10
    expect((await l.verification.verifySubject('container', ids[0])).firstBroken).toMatchObject({
      seq: sealedIn.seq,
      checkpointId: second.id,
      reason: 'checkpoint_signature',
    });
    await tamper(l, `UPDATE ledger_checkpoints SET signed_at = signed_at + interval '1 second' WHERE id <> $1`, [second.id]);
    expect((await l.verification.verifyRange()).firstBroken).toMatchObject({ reason: 'checkpoint_signature' });
  });

  it('detects a removed checkpoint by the broken chain of checkpoints', async () => {
    // Foreign keys are triggers too: in replica mode the referenced row goes.
    await tamper(l, `DELETE FROM ledger_checkpoints WHERE from_seq = 6`);
    expect((await l.verification.verifyRange()).firstBroken).toMatchObject({ reason: 'checkpoint_chain' });
  });

  it('reports a row the schema no longer protects (a constraint dropped, a null written) as broken', async () => {
    const { seq } = await eventRow(l, ids[0], 2);
    await l.db.query(`ALTER TABLE events ALTER COLUMN subject_type DROP NOT NULL`);
    await tamper(l, `UPDATE events SET subject_type = NULL WHERE seq = $1`, [seq]);
    expect((await l.verification.verifyRange()).firstBroken).toMatchObject({ seq, reason: 'store_integrity' });
  });

  it('detects a correctly hashed event inserted around the append path, by its missing head', async () => {
    const forged: EncodableEvent = {
      id: randomUUID(),
      prevHash: null,
      subjectType: 'container',
      subjectId: randomUUID(),
      subjectSeq: 1,
      type: 'container.registered',
      actorOrgId: null,
      actorUserId: null,
      actorDevice: null,
      deviceTimeUs: null,
      serverTimeUs: dateToMicros(new Date()),
      payloadJson: '{"wasteCode": "900-041-49"}',
    };
    await l.db.query(
      `INSERT INTO events (id, subject_type, subject_id, subject_seq, type, server_time, payload, hash)
       VALUES ($1, 'container', $2, 1, 'container.registered', $3, $4, $5)`,
      [forged.id, forged.subjectId, new Date(Number(forged.serverTimeUs / 1000n)).toISOString(), forged.payloadJson, eventHash(forged)],
    );
    expect((await l.verification.verifyRange()).firstBroken).toMatchObject({ subjectId: forged.subjectId, reason: 'head_mismatch' });
  });
});
