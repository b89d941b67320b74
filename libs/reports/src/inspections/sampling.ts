import { createHash } from 'node:crypto';
import { Xoshiro128 } from './prng';

export const SAMPLING_ALGORITHM = 'xoshiro128** seeded by SHA-256(seed); Efraimidis–Spirakis A-Res keys ln(u)/w over the population sorted by id; inspectors by partial Fisher–Yates';

export interface Candidate {
  id: string;
  /** Sampling weight (> 0); 1 for every unit in an unweighted draw. */
  weight: number;
}

export interface Drawn extends Candidate {
  rank: number;
  key: number;
  inspectors: string[];
}

/** The population in the order the draw walks it: by id, so the database's row order cannot matter. */
export function canonicalPopulation(population: readonly Candidate[]): Candidate[] {
  return [...population].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** A fingerprint of the population and weights, recorded with the draw. */
export function populationHash(population: readonly Candidate[]): string {
  const h = createHash('sha256');
  for (const c of canonicalPopulation(population)) h.update(`${c.id}:${c.weight}\n`);
  return h.digest('hex');
}

/**
 * Weighted sampling without replacement (Efraimidis & Spirakis 2006, A-Res): each unit gets the
 * key ln(u)/w for u uniform in (0,1), and the `size` largest keys win. With equal weights this is a
 * uniform simple random sample. Deterministic for the same seed, population and weights. Then, when
 * inspectors are given, each drawn unit gets `perUnit` of them, drawn without replacement per unit
 * (the second 随机 of 双随机).
 */
export function drawSample(
  seed: string,
  population: readonly Candidate[],
  size: number,
  inspectors: readonly string[] = [],
  perUnit = 0,
): Drawn[] {
  const rng = new Xoshiro128(seed);
  const keyed = canonicalPopulation(population).map((c, index) => {
    if (!(c.weight > 0) || !Number.isFinite(c.weight)) throw new RangeError(`weight of ${c.id} must be a positive number`);
    return { ...c, index, key: Math.log(rng.nextOpen01()) / c.weight };
  });
  keyed.sort((a, b) => b.key - a.key || a.index - b.index);
  const chosen = keyed.slice(0, Math.min(size, keyed.length));
  const k = Math.min(perUnit, inspectors.length);
  return chosen.map((c, i) => {
    const pool = [...inspectors];
    const picked: string[] = [];
    for (let j = 0; j < k; j++) {
      const r = j + rng.nextBelow(pool.length - j);
      [pool[j], pool[r]] = [pool[r], pool[j]];
      picked.push(pool[j]);
    }
    return { id: c.id, weight: c.weight, rank: i + 1, key: c.key, inspectors: picked };
  });
}
