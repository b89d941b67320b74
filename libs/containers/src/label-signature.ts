import { hash, sign, verify } from 'node:crypto';
import type { SigningKey, VerifyingKey } from '@app/config';
import { parseContainerCode } from './container-code';

/**
 * The QR payload: `WL1.<keyId>.<code>.<signature>`, the signature being Ed25519 by the ledger key
 * over the bytes `WL1.<keyId>.<code>`. A scanner holding the published public key can tell a
 * genuine label from a copied-and-edited or invented one without a network.
 */
export const PAYLOAD_VERSION = 'WL1';

export function signLabel(key: SigningKey, code: string): string {
  const body = `${PAYLOAD_VERSION}.${key.keyId}.${code}`;
  return `${body}.${sign(null, Buffer.from(body, 'utf8'), key.privateKey).toString('base64url')}`;
}

export type LabelCheck =
  | { ok: true; code: string; keyId: string }
  | { ok: false; reason: 'LABEL_MALFORMED' | 'LABEL_SIGNATURE_INVALID'; claimedCode: string | null };

const PAYLOAD_PATTERN = /^WL1\.([0-9a-f]{16})\.([0-9A-Z]{20,64})\.([A-Za-z0-9_-]{86})$/;

/** `keys`: every key a genuine label may carry (the current one and the retired ones). */
export function checkLabel(keys: readonly Pick<VerifyingKey, 'keyId' | 'publicKey'>[], payload: string): LabelCheck {
  const parsed = parseLabel(payload);
  if (!parsed.ok) return parsed;
  const { keyId, code, signature } = parsed;
  const key = keys.find((k) => k.keyId === keyId);
  const body = Buffer.from(`${PAYLOAD_VERSION}.${keyId}.${code}`, 'utf8');
  if (!key || !verify(null, body, key.publicKey, Buffer.from(signature, 'base64url'))) {
    return { ok: false, reason: 'LABEL_SIGNATURE_INVALID', claimedCode: code };
  }
  return { ok: true, code, keyId };
}

export type ParsedLabel = { ok: true; code: string; keyId: string; signature: string } | Extract<LabelCheck, { ok: false }>;

/** The parts of a payload, or why it is not one; says nothing about the signature. */
export function parseLabel(payload: string): ParsedLabel {
  const m = typeof payload === 'string' && payload.length <= 300 ? PAYLOAD_PATTERN.exec(payload) : null;
  if (!m) {
    const loose = typeof payload === 'string' ? /([0-9A-Z]{37})/.exec(payload) : null;
    return { ok: false, reason: 'LABEL_MALFORMED', claimedCode: loose ? loose[1] : null };
  }
  const [, keyId, code, signature] = m;
  if (!parseContainerCode(code)) return { ok: false, reason: 'LABEL_MALFORMED', claimedCode: code };
  return { ok: true, code, keyId, signature };
}

/**
 * What `containers.label_digest` keeps of an issued payload: the first 16 bytes of its SHA-256.
 * A scanned payload with the same digest is byte for byte the label we issued (finding another
 * would take a 2^128 second preimage), so its signature need not be verified again.
 */
export function labelDigest(payload: string): Buffer {
  return hash('sha256', payload, 'buffer').subarray(0, 16);
}

/**
 * checkLabel with a shortcut: when `issuedDigest` (the container's label_digest) matches, the
 * payload is the issued label; otherwise the signature decides, exactly as checkLabel.
 */
export function checkIssuedLabel(keys: readonly Pick<VerifyingKey, 'keyId' | 'publicKey'>[], payload: string, issuedDigest: Buffer | null): LabelCheck {
  if (issuedDigest) {
    const parsed = parseLabel(payload);
    // Only for a key still trusted: a label of a key no longer listed fails here as by its signature.
    if (parsed.ok && keys.some((k) => k.keyId === parsed.keyId) && labelDigest(payload).equals(issuedDigest)) {
      return { ok: true, code: parsed.code, keyId: parsed.keyId };
    }
  }
  return checkLabel(keys, payload);
}
