import { Xoshiro128 } from './prng';
import { drawSample, populationHash } from './sampling';

const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);

describe('xoshiro128**', () => {
  it('gives the same stream for the same seed and another for another seed', () => {
    const a = new Xoshiro128('2025-Q3 抽查');
    const b = new Xoshiro128('2025-Q3 抽查');
    const c = new Xoshiro128('2025-Q4 抽查');
    const sa = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(sa);
  });

  it('matches the reference algorithm on a known state', () => {
    // State from SHA-256("") = e3b0c442 98fc1c14 9afbf4c8 996fb924 …; first output by hand:
    // rotl(s1 * 5, 7) * 9 with s1 = 0x98fc1c14.
    const s1 = 0x98fc1c14;
    const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;
    const expected = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
    expect(new Xoshiro128('').nextUint32()).toBe(expected);
  });

  it('draws integers below n without leaving the range', () => {
    const r = new Xoshiro128('range');
    for (let i = 0; i < 1000; i++) {
      const x = r.nextBelow(7);
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(7);
    }
  });
});

describe('drawSample', () => {
  const population = ids(50).map((id) => ({ id, weight: 1 }));

  it('is reproducible for the same seed whatever the order of the population', () => {
    const first = drawSample('seed-1', population, 5);
    const again = drawSample('seed-1', [...population].reverse(), 5);
    expect(again.map((d) => d.id)).toEqual(first.map((d) => d.id));
    expect(new Set(first.map((d) => d.id)).size).toBe(5);
    expect(first.map((d) => d.rank)).toEqual([1, 2, 3, 4, 5]);
  });

  it('differs for another seed', () => {
    expect(drawSample('seed-2', population, 5).map((d) => d.id)).not.toEqual(drawSample('seed-1', population, 5).map((d) => d.id));
  });

  it('takes the whole population when asked for more', () => {
    expect(drawSample('x', population.slice(0, 3), 10)).toHaveLength(3);
  });

  it('favours heavier units in proportion to their weight', () => {
    // One unit of weight 9 among 10 of weight 1, one pick: it should win about 9/19 of the time.
    const weighted = ids(11).map((id, i) => ({ id, weight: i === 0 ? 9 : 1 }));
    let wins = 0;
    const runs = 4000;
    for (let i = 0; i < runs; i++) if (drawSample(`run-${i}`, weighted, 1)[0].id === weighted[0].id) wins++;
    expect(wins / runs).toBeGreaterThan(9 / 19 - 0.04);
    expect(wins / runs).toBeLessThan(9 / 19 + 0.04);
  });

  it('assigns distinct inspectors to each unit, reproducibly', () => {
    const inspectors = ['张三', '李四', '王五', '赵六'];
    const a = drawSample('insp', population, 3, inspectors, 2);
    const b = drawSample('insp', population, 3, inspectors, 2);
    expect(a).toEqual(b);
    for (const unit of a) {
      expect(unit.inspectors).toHaveLength(2);
      expect(new Set(unit.inspectors).size).toBe(2);
      for (const name of unit.inspectors) expect(inspectors).toContain(name);
    }
  });

  it('fingerprints the population independently of its order', () => {
    expect(populationHash([...population].reverse())).toBe(populationHash(population));
    expect(populationHash(population.slice(1))).not.toBe(populationHash(population));
  });
});
