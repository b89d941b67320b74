import { sign, verify } from 'node:crypto';
import type { SigningKey } from '@app/config';
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

export function checkLabel(keys: SigningKey[], payload: string): LabelCheck {
  const m = typeof payload === 'string' && payload.length <= 300 ? PAYLOAD_PATTERN.exec(payload) : null;
  if (!m) {
    const loose = typeof payload === 'string' ? /([0-9A-Z]{37})/.exec(payload) : null;
    return { ok: false, reason: 'LABEL_MALFORMED', claimedCode: loose ? loose[1] : null };
  }
  const [, keyId, code, signature] = m;
  if (!parseContainerCode(code)) return { ok: false, reason: 'LABEL_MALFORMED', claimedCode: code };
  const key = keys.find((k) => k.keyId === keyId);
  const body = Buffer.from(`${PAYLOAD_VERSION}.${keyId}.${code}`, 'utf8');
  if (!key || !verify(null, body, key.publicKey, Buffer.from(signature, 'base64url'))) {
    return { ok: false, reason: 'LABEL_SIGNATURE_INVALID', claimedCode: code };
  }
  return { ok: true, code, keyId };
}
