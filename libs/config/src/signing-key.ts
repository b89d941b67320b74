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
    keyId: createHash('sha256').update(raw).digest('hex').slice(0, 16),
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
