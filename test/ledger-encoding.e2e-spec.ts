import { Test, TestingModule } from '@nestjs/testing';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { CanonicalJsonError, LedgerModule, LedgerService, NewLedgerEvent, VerificationService, canonicalJson } from '@app/ledger';
import { QueueModule } from '@app/queue';
import { cloneTemplate } from './support/databases';
import { testConfig } from './support/test-app';

/**
 * The event hash is computed in JavaScript before the insert and recomputed by verification from
 * the bytes PostgreSQL sends back. These tests hold the two encodings together on arbitrary input.
 */
describe('Ledger encodings against PostgreSQL', () => {
  let module: TestingModule;
  let db: DataSource;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const database = await cloneTemplate('ledgerencoding');
    drop = database.drop;
    const config = testConfig({ DATABASE_URL: database.url });
    module = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot(config, 'ledger-e2e'), QueueModule.forRoot(config, 'producer'), LedgerModule],
    }).compile();
    await module.init();
    db = module.get(DataSource);
  });
  afterAll(async () => {
    await module.close();
    await drop();
  });

  const key = fc.string({ unit: 'binary', maxLength: 6 });
  const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), fc.constantFrom('"\\/\b\f\n\r\t\u001f\u007f', '感染性废物 HW01', '😀\u2028'));
  const number = fc.oneof(
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.constantFrom(0.1, 1e21, 1e-7, -1.5e-300, 5e-324, 2 ** 53 + 2, 123456.789),
  );
  const { json } = fc.letrec<{ json: unknown }>((tie) => ({
    json: fc.oneof(
      { depthSize: 'small' },
      fc.constant(null),
      fc.boolean(),
      number,
      text,
      fc.array(tie('json'), { maxLength: 4 }),
      fc.dictionary(key, tie('json'), { maxKeys: 5 }),
    ),
  }));

  it('writes canonical JSON exactly as jsonb prints it back', async () => {
    const texts: string[] = [];
    for (const value of fc.sample(json, 2_000)) {
      try {
        texts.push(canonicalJson({ v: value }));
      } catch (error) {
        if (!(error instanceof CanonicalJsonError)) throw error; // NUL or lone surrogate: refused by design
      }
    }
    expect(texts.length).toBeGreaterThan(1_000);
    const rows = (await db.query(`SELECT t::jsonb::text AS back FROM unnest($1::text[]) WITH ORDINALITY AS u(t, i) ORDER BY i`, [texts])) as {
      back: string;
    }[];
    const differing = texts.filter((t, i) => rows[i].back !== t);
    expect(differing).toEqual([]);
  });

  it('hashes what the database stores, for events of every shape', async () => {
    const ledger = module.get(LedgerService);
    const events: NewLedgerEvent[] = fc.sample(
      fc.record({
        payload: fc.dictionary(key, json, { maxKeys: 6 }),
        org: fc.option(fc.uuid(), { nil: null }),
        user: fc.option(fc.uuid(), { nil: null }),
        device: fc.option(fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }).filter((d) => !d.includes('\u0000')), { nil: null }),
        deviceTime: fc.option(fc.date({ min: new Date('1990-01-01'), max: new Date('2090-01-01'), noInvalidDate: true }), { nil: null }),
      }),
      300,
    )
      .filter((e) => {
        try {
          canonicalJson(e.payload);
          return true;
        } catch {
          return false;
        }
      })
      .map((e, i) => ({
        subjectType: i % 3 === 0 ? 'manifest' : 'container',
        subjectId: i % 5 === 0 ? '00000000-0000-4000-8000-000000000001' : randomUUID(),
        type: 'test.recorded',
        actor: { organisationId: e.org, userId: e.user, device: e.device },
        deviceTime: e.deviceTime,
        payload: e.payload,
      }));
    await db.transaction((m) => ledger.appendMany(m, events));
    const result = await module.get(VerificationService).verifyRange();
    expect(result).toMatchObject({ ok: true, events: events.length });
  });
});
