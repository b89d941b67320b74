#!/usr/bin/env node
'use strict';
/**
 * Verifies a wasteledger export bundle offline, with nothing but Node.js and node:crypto.
 *
 *   node scripts/verify-ledger-bundle.js <bundle.json> [--key <Ed25519 public key, raw, base64url>]...
 *
 * Exit 0 and "OK ..." when every check passes; exit 1 and "FAIL: ..." naming the first failure;
 * exit 2 on a usage error. Pass --key with the ledger's published key (once per key after a
 * rotation: GET /api/v1/keys lists the current and the retired ones): without it the verifier can
 * only trust the keys written inside the bundle, which a forger could have replaced with their own.
 *
 * This is an independent implementation of the formats in docs/ledger.md (it shares no code with
 * the server), so it also checks that the document says enough to rebuild every hash.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');

const BUNDLE_FORMAT = 'wasteledger.bundle.v1';
const EVENT_TAG = 'wasteledger.event.v1';
const CHECKPOINT_TAG = 'wasteledger.checkpoint.v1';
const PG_EPOCH_OFFSET_US = 946684800000000n; // 2000-01-01T00:00:00Z in microseconds since 1970

class Failure extends Error {}
const fail = (message) => {
  throw new Failure(message);
};

// ---- canonical JSON (docs/ledger.md "Canonical JSON") -------------------------------------------

function canonicalJson(value) {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return canonicalNumber(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return '[' + value.map(canonicalJson).join(', ') + ']';
  if (typeof value === 'object') {
    const keys = Object.keys(value).map((k) => ({ k, b: Buffer.from(k, 'utf8') }));
    keys.sort((x, y) => x.b.length - y.b.length || Buffer.compare(x.b, y.b));
    return '{' + keys.map(({ k }) => JSON.stringify(k) + ': ' + canonicalJson(value[k])).join(', ') + '}';
  }
  return fail('bundle holds a value that is not JSON');
}

function canonicalNumber(n) {
  if (!Number.isFinite(n)) fail('bundle holds a non-finite number');
  if (n === 0) return '0';
  const text = String(n);
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!m) return text;
  const digits = m[2] + (m[3] || '');
  const point = m[2].length + Number(m[4]);
  if (point <= 0) return m[1] + '0.' + '0'.repeat(-point) + digits;
  if (point >= digits.length) return m[1] + digits + '0'.repeat(point - digits.length);
  return m[1] + digits.slice(0, point) + '.' + digits.slice(point);
}

// ---- field encoding -----------------------------------------------------------------------------

/** int32 big-endian length (-1 for null) then the bytes, for each field. */
function fields(list) {
  const parts = [];
  for (const f of list) {
    const len = Buffer.alloc(4);
    len.writeInt32BE(f === null ? -1 : f.length);
    parts.push(len);
    if (f !== null) parts.push(f);
  }
  return Buffer.concat(parts);
}

const text = (s) => Buffer.from(s, 'utf8');

function uuid(s, what) {
  if (typeof s !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(s)) fail(`${what} is not a UUID`);
  return Buffer.from(s.replace(/-/g, ''), 'hex');
}

function int32(n) {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

function int64(n) {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(n));
  return b;
}

function hex(s, bytes, what) {
  if (typeof s !== 'string' || !new RegExp(`^[0-9a-f]{${bytes * 2}}$`).test(s)) fail(`${what} is not ${bytes} bytes of hex`);
  return Buffer.from(s, 'hex');
}

/** ISO 8601 UTC with up to 6 fractional digits -> microseconds since 2000-01-01Z, int64 big-endian. */
function timestamp(iso, what) {
  const m = typeof iso === 'string' && /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?Z$/.exec(iso);
  if (!m) fail(`${what} is not an ISO 8601 UTC timestamp`);
  const seconds = Date.parse(m[1] + 'Z');
  if (!Number.isFinite(seconds)) fail(`${what} is not a valid time`);
  return int64(BigInt(seconds) * 1000n + BigInt((m[2] || '').padEnd(6, '0')) - PG_EPOCH_OFFSET_US);
}

const sha256 = (data) => crypto.createHash('sha256').update(data).digest();

// ---- events -------------------------------------------------------------------------------------

function eventPreimage(e) {
  const where = `event seq ${e.seq}`;
  const payload = Buffer.concat([Buffer.from([1]), text(e.payloadJson)]);
  return fields([
    text(EVENT_TAG),
    uuid(e.id, `${where}: id`),
    e.prevHash === null ? null : hex(e.prevHash, 32, `${where}: prevHash`),
    text(e.subjectType),
    uuid(e.subjectId, `${where}: subjectId`),
    int32(e.subjectSeq),
    text(e.type),
    e.actor.organisationId === null ? null : uuid(e.actor.organisationId, `${where}: actor.organisationId`),
    e.actor.userId === null ? null : uuid(e.actor.userId, `${where}: actor.userId`),
    e.actor.device === null ? null : text(e.actor.device),
    e.deviceTime === null ? null : timestamp(e.deviceTime, `${where}: deviceTime`),
    timestamp(e.serverTime, `${where}: serverTime`),
    payload,
  ]);
}

// ---- Merkle inclusion (RFC 9162 §2.1.3.2; leaves are event hashes, nodes SHA-256(0x01||l||r)) -----

function verifyInclusion(leaf, index, size, path, root) {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = sha256(Buffer.concat([Buffer.from([1]), p, r]));
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = sha256(Buffer.concat([Buffer.from([1]), r, p]));
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

// ---- checkpoints --------------------------------------------------------------------------------

function checkpointMessage(c) {
  const where = `checkpoint ${c.id}`;
  if ((c.prevCheckpointId === null) !== (c.prevMerkleRoot === null)) fail(`${where}: prevCheckpointId and prevMerkleRoot must be both set or both null`);
  return fields([
    text(CHECKPOINT_TAG),
    uuid(c.id, `${where}: id`),
    int64(c.fromSeq),
    int64(c.toSeq),
    int64(c.eventCount),
    hex(c.merkleRoot, 32, `${where}: merkleRoot`),
    c.prevCheckpointId === null ? null : uuid(c.prevCheckpointId, `${where}: prevCheckpointId`),
    c.prevMerkleRoot === null ? null : hex(c.prevMerkleRoot, 32, `${where}: prevMerkleRoot`),
    timestamp(c.signedAt, `${where}: signedAt`),
    text(c.keyId),
  ]);
}

function publicKeyFromRaw(raw) {
  const bytes = Buffer.from(raw, 'base64url');
  if (bytes.length !== 32) fail('a public key is not 32 bytes of base64url');
  return {
    keyId: sha256(bytes).toString('hex').slice(0, 16),
    key: crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: bytes.toString('base64url') }, format: 'jwk' }),
  };
}

function signatureValid(key, message, signatureB64) {
  try {
    return crypto.verify(null, message, key, Buffer.from(signatureB64, 'base64url'));
  } catch {
    return false;
  }
}

// ---- the bundle ---------------------------------------------------------------------------------

function verify(bundle, pinnedKeys) {
  if (bundle === null || typeof bundle !== 'object' || bundle.format !== BUNDLE_FORMAT) fail(`not a ${BUNDLE_FORMAT} bundle`);
  const { subject, events, checkpoints, head } = bundle;

  // Keys: the pinned ones only, or (with a warning) those the bundle names.
  const keys = new Map();
  if (pinnedKeys.length) {
    for (const raw of pinnedKeys) {
      const pinned = publicKeyFromRaw(raw);
      keys.set(pinned.keyId, pinned.key);
    }
  } else {
    for (const k of bundle.keys || []) {
      if (k.algorithm !== 'Ed25519') fail(`key ${k.keyId}: unsupported algorithm ${k.algorithm}`);
      const parsed = publicKeyFromRaw(k.publicKey);
      if (parsed.keyId !== k.keyId) fail(`key ${k.keyId}: its id is not derived from its public key`);
      keys.set(parsed.keyId, parsed.key);
    }
  }
  const keyFor = (keyId, what) => keys.get(keyId) || fail(`${what} is signed by key ${keyId}, which is not ${pinnedKeys.length ? 'a pinned key' : 'in the bundle'}`);

  if (!Array.isArray(events) || events.length === 0) fail('the bundle holds no events');
  let previous = null;
  events.forEach((e, i) => {
    const where = `event seq ${e.seq} (subject_seq ${e.subjectSeq})`;
    if (e.subjectType !== subject.type || e.subjectId !== subject.id) fail(`${where}: belongs to another subject`);
    if (e.subjectSeq !== i + 1) fail(`${where}: expected subject_seq ${i + 1}: an event is missing or out of order`);
    if (previous && BigInt(e.seq) <= BigInt(previous.seq)) fail(`${where}: seq does not increase along the story`);
    const computed = sha256(eventPreimage(e));
    if (computed.toString('hex') !== e.hash) fail(`${where}: hash mismatch: the event was altered`);
    // payloadJson is what was hashed; payload is the same data parsed for readers, and must agree.
    let parsed;
    try {
      parsed = JSON.parse(e.payloadJson);
    } catch {
      fail(`${where}: payloadJson is not JSON`);
    }
    if (canonicalJson(parsed) !== canonicalJson(e.payload)) fail(`${where}: payload differs from the hashed payloadJson`);
    const expectedPrev = previous ? previous.hash : null;
    if (e.prevHash !== expectedPrev) fail(`${where}: prevHash does not link to the previous event`);
    previous = e;
  });
  const last = events[events.length - 1];
  if (!head) fail('the bundle has no head for the subject');
  if (head.lastSeq !== last.subjectSeq || head.lastHash !== last.hash) fail(`the story ends at subject_seq ${last.subjectSeq} but the head says ${head.lastSeq}: events are missing`);

  const byId = new Map();
  for (const c of checkpoints || []) {
    if (!signatureValid(keyFor(c.keyId, `checkpoint ${c.id}`), checkpointMessage(c), c.signature)) fail(`checkpoint ${c.id}: signature does not match`);
    byId.set(c.id, c);
  }
  let sealed = 0;
  for (const e of events) {
    if (!e.proof) continue;
    const where = `event seq ${e.seq} (subject_seq ${e.subjectSeq})`;
    const c = byId.get(e.proof.checkpointId) || fail(`${where}: its checkpoint ${e.proof.checkpointId} is not in the bundle`);
    if (BigInt(e.seq) < BigInt(c.fromSeq) || BigInt(e.seq) > BigInt(c.toSeq)) fail(`${where}: outside the range of checkpoint ${c.id}`);
    if (e.proof.treeSize !== c.eventCount) fail(`${where}: proof is for a tree of ${e.proof.treeSize} events, the checkpoint signed ${c.eventCount}`);
    const path = e.proof.path.map((p, j) => hex(p, 32, `${where}: proof path[${j}]`));
    if (!verifyInclusion(Buffer.from(e.hash, 'hex'), e.proof.leafIndex, e.proof.treeSize, path, Buffer.from(c.merkleRoot, 'hex'))) {
      fail(`${where}: not included in checkpoint ${c.id} (Merkle proof fails)`);
    }
    sealed++;
  }

  const { signature, ...unsigned } = bundle;
  if (!signature) fail('the bundle is not signed');
  const message = Buffer.from(`${BUNDLE_FORMAT}\n${canonicalJson(unsigned)}`, 'utf8');
  if (!signatureValid(keyFor(signature.keyId, 'the bundle'), message, signature.value)) fail('bundle signature does not match: the bundle was changed after export');

  return { events: events.length, sealed, checkpoints: byId.size, keyIds: [...keys.keys()] };
}

function main(argv) {
  const args = argv.slice(2);
  const pinnedKeys = [];
  const files = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--key') {
      if (i + 1 >= args.length) files.length = 2; // a --key without its value: usage error below
      else pinnedKeys.push(args[++i]);
    } else files.push(args[i]);
  }
  if (files.length !== 1) {
    process.stderr.write('usage: verify-ledger-bundle.js <bundle.json> [--key <base64url Ed25519 public key>]...\n');
    return 2;
  }
  try {
    let bundle;
    try {
      bundle = JSON.parse(fs.readFileSync(files[0], 'utf8'));
    } catch (error) {
      fail(`cannot read the bundle: ${error.message}`);
    }
    const r = verify(bundle, pinnedKeys);
    const unsealed = r.events - r.sealed;
    process.stdout.write(
      `OK ${bundle.subject.type} ${bundle.subject.id}: ${r.events} events, ${r.sealed} sealed in ${r.checkpoints} signed checkpoint(s)` +
        `${unsealed ? `, ${unsealed} not sealed yet (covered by the export signature only)` : ''}; key ${r.keyIds.join(', ')}\n`,
    );
    if (!pinnedKeys.length) process.stdout.write('warning: no --key given; trusted the keys inside the bundle\n');
    return 0;
  } catch (error) {
    if (error instanceof Failure || error instanceof TypeError || error instanceof RangeError) {
      process.stdout.write(`FAIL: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

process.exitCode = main(process.argv);
