import { sha256, sha256Latin1 } from '../encoding/event-encoding';

/**
 * The Merkle tree a checkpoint signs: RFC 6962 / RFC 9162's Merkle Tree Hash over the event hashes
 * of its range, in seq order.
 *
 *   MTH({})      is never computed (a checkpoint has at least one event)
 *   MTH({d0})    = d0                                   (the leaf hash is the event hash itself)
 *   MTH(D[n])    = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n]))   k = largest power of two < n
 *
 * Built bottom-up this is: pair neighbours left to right, and an odd last node is promoted to the
 * next level unchanged (never duplicated, so no two different leaf lists share a root — the flaw
 * of Bitcoin's duplicate-last-node trees).
 *
 * Domain separation: RFC 6962 hashes a leaf as SHA-256(0x00 || data). Our leaves are event hashes
 * whose preimage already begins with the byte 0x00 (event-encoding.ts), so an event hash *is* a
 * 0x00-prefixed hash and inner nodes (0x01-prefixed) can never be passed off as events or vice
 * versa. Leaves are not hashed a second time, which halves the cost of recomputing a root.
 */

const NODE_PREFIX = 0x01;

/** Hashes two children; `scratch` (65 bytes) is reused so building a tree allocates only results. */
function node(left: Buffer, right: Buffer, scratch: Buffer): Buffer {
  scratch[0] = NODE_PREFIX;
  left.copy(scratch, 1);
  right.copy(scratch, 33);
  return sha256(scratch);
}

export function merkleNode(left: Buffer, right: Buffer): Buffer {
  return node(left, right, Buffer.allocUnsafe(65));
}

/** Every level of the tree, leaves first, root last (a level of one). */
export function merkleLevels(leaves: readonly Buffer[]): Buffer[][] {
  if (leaves.length === 0) throw new RangeError('a Merkle tree needs at least one leaf');
  const scratch = Buffer.allocUnsafe(65);
  const levels: Buffer[][] = [leaves.slice()];
  let level = levels[0];
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(node(level[i], level[i + 1], scratch));
    if (level.length % 2 === 1) next.push(level[level.length - 1]);
    levels.push(next);
    level = next;
  }
  return levels;
}

export function merkleRoot(leaves: readonly Buffer[]): Buffer {
  const levels = merkleLevels(leaves);
  return levels[levels.length - 1][0];
}

/**
 * The audit path of leaf `index` (RFC 9162 §2.1.3.1): sibling hashes from the bottom up; a level
 * where the node was promoted contributes nothing.
 */
export function inclusionPath(levels: readonly Buffer[][], index: number): Buffer[] {
  if (index < 0 || index >= levels[0].length) throw new RangeError('leaf index out of range');
  const path: Buffer[] = [];
  let i = index;
  for (let depth = 0; depth < levels.length - 1; depth++) {
    const level = levels[depth];
    const sibling = i ^ 1;
    if (sibling < level.length) path.push(level[sibling]);
    i >>= 1;
  }
  return path;
}

/** RFC 9162 §2.1.3.2: does `path` prove `leaf` is leaf `index` of the tree of `treeSize` with `root`? */
export function verifyInclusion(leaf: Buffer, index: number, treeSize: number, path: readonly Buffer[], root: Buffer): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(treeSize) || index < 0 || index >= treeSize) return false;
  // Plain numbers, not 32-bit operators: tree sizes are not bounded by 2^31.
  let fn = index;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = merkleNode(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = merkleNode(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

/**
 * Computes a root while leaves stream past, in O(log n) memory: a stack of the roots of perfect
 * subtrees, merged as soon as two of equal size meet, folded right to left at the end. Gives the
 * same root as merkleRoot().
 *
 * Hashes are carried as 32-character latin1 strings (one character per byte): verification pushes
 * a leaf per event, and a digest as a string costs about half what a digest as a Buffer does.
 */
export class MerkleAccumulator {
  private readonly hashes: string[] = [];
  private readonly sizes: number[] = [];
  private readonly scratch = Buffer.allocUnsafe(65);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** `leaf`: an event hash as a latin1 string (see sha256Latin1). */
  push(leaf: string): void {
    this.count++;
    let h = leaf;
    let size = 1;
    while (this.sizes.length > 0 && this.sizes[this.sizes.length - 1] === size) {
      h = this.node(this.hashes.pop() as string, h);
      size += this.sizes.pop() as number;
    }
    this.hashes.push(h);
    this.sizes.push(size);
  }

  root(): Buffer {
    if (this.count === 0) throw new RangeError('a Merkle tree needs at least one leaf');
    let acc = this.hashes[this.hashes.length - 1];
    for (let i = this.hashes.length - 2; i >= 0; i--) acc = this.node(this.hashes[i], acc);
    return Buffer.from(acc, 'latin1');
  }

  private node(left: string, right: string): string {
    const scratch = this.scratch;
    scratch[0] = NODE_PREFIX;
    // 64 character copies are cheaper than two native Buffer.write calls.
    for (let i = 0; i < 32; i++) {
      scratch[1 + i] = left.charCodeAt(i);
      scratch[33 + i] = right.charCodeAt(i);
    }
    return sha256Latin1(scratch);
  }
}
