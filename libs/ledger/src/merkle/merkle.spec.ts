import { createHash } from 'node:crypto';
import { MerkleAccumulator, inclusionPath, merkleLevels, merkleNode, merkleRoot, verifyInclusion } from './merkle';

const sha = (...parts: Buffer[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const leaf = (i: number): Buffer => sha(Buffer.from([0]), Buffer.from(`event ${i}`));
const leaves = (n: number): Buffer[] => Array.from({ length: n }, (_, i) => leaf(i));

/** RFC 6962 §2.1, written the way the RFC states it, as the reference. */
function referenceRoot(d: Buffer[]): Buffer {
  if (d.length === 1) return d[0];
  let k = 1;
  while (k * 2 < d.length) k *= 2;
  return sha(Buffer.from([1]), referenceRoot(d.slice(0, k)), referenceRoot(d.slice(k)));
}

describe('Merkle tree (RFC 6962 shape, event hashes as leaves)', () => {
  it('reproduces the RFC 6962 / Certificate Transparency test vectors', () => {
    // The CT reference leaves, hashed as RFC 6962 leaves (0x00 || data): our event hashes play that role.
    const inputs = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
    const ctLeaves = inputs.map((hex) => sha(Buffer.from([0]), Buffer.from(hex, 'hex')));
    const roots = [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
      'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
      '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
      'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
      '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
    ];
    roots.forEach((root, i) => expect(merkleRoot(ctLeaves.slice(0, i + 1)).toString('hex')).toBe(root));
  });

  it('matches the recursive definition, promoting an odd last node instead of duplicating it', () => {
    for (let n = 1; n <= 70; n++) expect(merkleRoot(leaves(n)).equals(referenceRoot(leaves(n)))).toBe(true);
    // Duplicating the last leaf would make [a, b, c] and [a, b, c, c] collide; promotion does not.
    expect(merkleRoot(leaves(3)).equals(merkleRoot([...leaves(3), leaf(2)]))).toBe(false);
  });

  it('gives the same root when streamed through the accumulator', () => {
    const acc = new MerkleAccumulator();
    for (let n = 1; n <= 70; n++) {
      acc.push(leaf(n - 1).toString('latin1'));
      expect(acc.size).toBe(n);
      expect(acc.root().equals(merkleRoot(leaves(n)))).toBe(true);
    }
  });

  it('proves the inclusion of every leaf, and nothing else', () => {
    for (let n = 1; n <= 33; n++) {
      const tree = leaves(n);
      const levels = merkleLevels(tree);
      const root = levels[levels.length - 1][0];
      for (let i = 0; i < n; i++) {
        const path = inclusionPath(levels, i);
        expect(verifyInclusion(tree[i], i, n, path, root)).toBe(true);
        // another leaf, another position, a tampered or shortened path: all refused. (The tree size
        // is not bound by the path alone; the checkpoint signature binds it to the root.)
        expect(verifyInclusion(leaf(1000), i, n, path, root)).toBe(false);
        if (n > 1) expect(verifyInclusion(tree[i], (i + 1) % n, n, path, root)).toBe(false);
        if (path.length > 0) {
          const bent = path.map((p, j) => (j === 0 ? merkleNode(p, p) : p));
          expect(verifyInclusion(tree[i], i, n, bent, root)).toBe(false);
          expect(verifyInclusion(tree[i], i, n, path.slice(1), root)).toBe(false);
        }
      }
      expect(verifyInclusion(tree[0], n, n, [], root)).toBe(false);
    }
  });

  it('refuses an empty tree', () => {
    expect(() => merkleRoot([])).toThrow(RangeError);
    expect(() => new MerkleAccumulator().root()).toThrow(RangeError);
  });
});
