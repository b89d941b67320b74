import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sign } from 'node:crypto';
import { DataSource } from 'typeorm';
import { SIGNING_KEY, SigningKey, VERIFYING_KEYS, VerifyingKey } from '@app/config';
import { DomainException } from '@app/errors';
import { canonicalJson } from '../encoding/canonical-json';
import { dateToMicros, microsToIso } from '../encoding/fields';
import { CheckpointRow, toCheckpointRecord } from '../checkpoints/checkpoint-row';
import { CheckpointTree, checkpointsCovering, loadCheckpointTree } from '../checkpoints/checkpoint-trees';
import { inclusionPath } from '../merkle/merkle';
import { EVENT_COLUMNS_SQL, EventRow, toLedgerEvent } from '../event-row';
import { assertSubject } from '../ledger.service';
import { LedgerErrors } from '../ledger.errors';
import { BUNDLE_FORMAT, BundleEvent, LedgerBundle, bundleSigningBytes } from './bundle';

/**
 * Exports a subject's story as a self-contained bundle that anyone can check offline with
 * scripts/verify-ledger-bundle.js and node:crypto alone (format: bundle.ts, docs/ledger.md).
 */
@Injectable()
export class ExportService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(SIGNING_KEY) private readonly key: SigningKey,
    @Inject(VERIFYING_KEYS) private readonly keys: VerifyingKey[],
  ) {}

  async exportSubjectBundle(subjectType: string, subjectId: string): Promise<LedgerBundle> {
    assertSubject(subjectType, subjectId);
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      // One snapshot: the events, the head and the checkpoints must describe the same moment.
      await runner.startTransaction('REPEATABLE READ');
      await runner.query('SET TRANSACTION READ ONLY');
      const rows = (await runner.query(
        `SELECT ${EVENT_COLUMNS_SQL} FROM events
         WHERE subject_type = $1 AND subject_id = $2 ORDER BY events.subject_seq, events.seq`,
        [subjectType, subjectId],
      )) as EventRow[];
      if (rows.length === 0) throw new DomainException(LedgerErrors.LEDGER_SUBJECT_NOT_FOUND, { subjectType, subjectId });
      const [head] = (await runner.query(`SELECT last_seq, last_hash FROM ledger_heads WHERE subject_type = $1 AND subject_id = $2`, [
        subjectType,
        subjectId,
      ])) as { last_seq: number; last_hash: Buffer | null }[];

      const covering = await checkpointsCovering(runner, rows.map((r) => r.seq));
      const trees = new Map<string, CheckpointTree>();
      const used = new Map<string, CheckpointRow>();
      const events: BundleEvent[] = [];
      for (const row of rows) {
        const cp = covering.get(row.seq);
        let proof: BundleEvent['proof'] = null;
        if (cp) {
          let tree = trees.get(cp.id);
          if (!tree) {
            tree = await loadCheckpointTree(runner, cp);
            trees.set(cp.id, tree);
            used.set(cp.id, cp);
          }
          const index = tree.indexBySeq.get(row.seq);
          // A sealed event missing from its own checkpoint's leaves cannot be proven; the bundle says
          // so (no path) and the offline verifier reports it.
          proof = {
            checkpointId: cp.id,
            leafIndex: index ?? -1,
            treeSize: cp.event_count,
            path: index === undefined ? [] : inclusionPath(tree.levels, index).map((h) => h.toString('hex')),
          };
        }
        events.push({ ...toLedgerEvent(row), payloadJson: row.payload_json, proof });
      }
      await runner.commitTransaction();

      const unsigned: Omit<LedgerBundle, 'signature'> = {
        format: BUNDLE_FORMAT,
        exportedAt: microsToIso(dateToMicros(new Date())),
        subject: { type: subjectType, id: subjectId },
        head: head && head.last_hash ? { lastSeq: head.last_seq, lastHash: head.last_hash.toString('hex') } : null,
        // The key signing this export, and any retired key that signed one of its checkpoints.
        keys: this.keys
          .filter((k) => k.keyId === this.key.keyId || [...used.values()].some((cp) => cp.key_id === k.keyId))
          .map((k) => ({ keyId: k.keyId, algorithm: 'Ed25519' as const, publicKey: k.publicKeyRaw })),
        events,
        checkpoints: [...used.values()].sort((a, b) => (BigInt(a.from_seq) < BigInt(b.from_seq) ? -1 : 1)).map(toCheckpointRecord),
      };
      // Signing the whole export attests what the ledger held when it was made, unsealed tail included.
      const signature = sign(null, bundleSigningBytes(canonicalJson(unsigned)), this.key.privateKey);
      return { ...unsigned, signature: { keyId: this.key.keyId, value: signature.toString('base64url') } };
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }
}
