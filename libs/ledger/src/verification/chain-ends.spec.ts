import { createHash, randomUUID } from 'node:crypto';
import { uuidBytes } from '../encoding/fields';
import { ChainEnds } from './chain-ends';

const digest = (i: number): string => createHash('sha256').update(String(i)).digest('binary');

describe('ChainEnds (the per-subject table of a verification)', () => {
  it('finds every subject it was given, across types and through growth, and no other', () => {
    const table = new ChainEnds(16);
    const types = ['container', 'manifest', 'organisation'].map((t) => Buffer.from(t));
    const subjects = Array.from({ length: 5_000 }, (_, i) => ({ type: types[i % 3], id: uuidBytes(randomUUID()), i }));
    for (const s of subjects) {
      const typeId = table.typeId(s.type, 0, s.type.length);
      const missing = table.find(typeId, s.id, 0);
      expect(missing).toBeLessThan(0);
      table.insert(missing, typeId, s.id, 0, 1, s.i, digest(s.i));
    }
    expect(table.size).toBe(5_000);
    for (const s of subjects) {
      const slot = table.find(table.typeId(s.type, 0, s.type.length), s.id, 0);
      expect(slot).toBeGreaterThanOrEqual(0);
      expect(table.seq(slot)).toBe(s.i);
      expect(table.hash(slot).toString('latin1')).toBe(digest(s.i));
      expect(table.hashEquals(slot, Buffer.from(digest(s.i), 'latin1'), 0)).toBe(true);
      expect(table.hashEquals(slot, Buffer.from(digest(s.i + 1), 'latin1'), 0)).toBe(false);
    }
    // The same UUID under another type is another subject.
    const other = table.find(table.typeId(types[1], 0, types[1].length), subjects[0].id, 0);
    expect(other).toBeLessThan(0);
  });

  it('updates a chain end in place and reports the subjects whose head was not seen', () => {
    const table = new ChainEnds(16);
    const type = Buffer.from('container');
    const ids = [randomUUID(), randomUUID()];
    const slots = ids.map((id, i) => table.insert(table.find(0, uuidBytes(id), 0), table.typeId(type, 0, type.length), uuidBytes(id), 0, 1, i + 1, digest(i)));
    table.update(slots[0], 2, 10, digest(10));
    expect([table.subjectSeq(slots[0]), table.seq(slots[0])]).toEqual([2, 10]);
    table.markHeadSeen(slots[0]);
    expect([...table.withoutHead()].map((s) => [s.subjectType, s.subjectId])).toEqual([['container', ids[1]]]);
  });
});
