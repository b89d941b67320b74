import { createPrivateKey, createPublicKey, generateKeyPairSync, createHash, KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppConfig } from './app-config';

export interface SigningKey {
  /** Short, stable identifier of the key: the first 16 hex digits of SHA-256 over its raw public key. */
  keyId: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The raw 32-byte Ed25519 public key, base64url: what scanners and verifiers pin. */
  publicKeyRaw: string;
  publicKeyPem: string;
}

/** A key signatures are checked with: the current signing key, or a retired one. */
export interface VerifyingKey {
  keyId: string;
  publicKey: KeyObject;
  /** The raw 32-byte Ed25519 public key, base64url. */
  publicKeyRaw: string;
  publicKeyPem: string;
  status: 'current' | 'retired';
}

function keyIdOf(raw: Buffer): string {
  return createHash('sha256').update(raw).digest('hex').slice(0, 16);
}

/** A retired key from its raw form (base64url), as GET /api/v1/keys published it. */
export function retiredKey(rawBase64url: string): VerifyingKey {
  const raw = Buffer.from(rawBase64url, 'base64url');
  if (raw.length !== 32) throw new Error('an Ed25519 public key is 32 bytes');
  const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
  return { keyId: keyIdOf(raw), publicKey, publicKeyRaw: raw.toString('base64url'), publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(), status: 'retired' };
}

/**
 * Every key a signature may be checked with: the current key first, then the retired ones, without
 * repeats (a retired list that still names the current key changes nothing).
 */
export function verifyingKeys(current: SigningKey, retiredRaw: readonly string[]): VerifyingKey[] {
  const keys: VerifyingKey[] = [{ keyId: current.keyId, publicKey: current.publicKey, publicKeyRaw: current.publicKeyRaw, publicKeyPem: current.publicKeyPem, status: 'current' }];
  for (const raw of retiredRaw) {
    const key = retiredKey(raw);
    if (!keys.some((k) => k.keyId === key.keyId)) keys.push(key);
  }
  return keys;
}

function fromPem(pem: string): SigningKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error('The ledger signing key must be an Ed25519 key');
  }
  const publicKey = createPublicKey(privateKey);
  const der = publicKey.export({ format: 'der', type: 'spki' });
  // The raw key is the last 32 bytes of the SPKI structure for Ed25519.
  const raw = der.subarray(der.length - 32);
  return {
    keyId: keyIdOf(raw),
    privateKey,
    publicKey,
    publicKeyRaw: raw.toString('base64url'),
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
}

/**
 * The ledger key: from the environment when given, else from the key file, else generated and
 * written there once. Two processes starting together race on an exclusive create, and the loser
 * reads what the winner wrote, so both end with the same key. The key material is never logged.
 */
export function loadSigningKey(config: Pick<AppConfig, 'ledgerSigningKeyPem' | 'ledgerKeyFile'>): SigningKey {
  if (config.ledgerSigningKeyPem) return fromPem(config.ledgerSigningKeyPem);
  try {
    return fromPem(readFileSync(config.ledgerKeyFile, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  mkdirSync(dirname(config.ledgerKeyFile), { recursive: true });
  try {
    writeFileSync(config.ledgerKeyFile, pem, { flag: 'wx', mode: 0o600 });
    return fromPem(pem);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return fromPem(readFileSync(config.ledgerKeyFile, 'utf8'));
  }
}
