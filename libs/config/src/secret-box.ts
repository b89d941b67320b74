import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AppConfig } from './app-config';

const FORMAT = 'wlbox1';

/**
 * Secrets the platform must be able to use again (webhook signing secrets) kept encrypted at rest:
 * AES-256-GCM under a key that lives outside the database, so a dump or a backup of the database
 * does not give them away. Sealed values read `wlbox1.<key id>.<iv>.<ciphertext>.<tag>` (base64url);
 * the key id (8 hex digits of SHA-256 over the key) says which key sealed it.
 */
export class SecretBox {
  readonly keyId: string;

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('a secret box key is 32 bytes');
    this.keyId = createHash('sha256').update(key).digest('hex').slice(0, 8);
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [FORMAT, this.keyId, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  /** The plain value; a value that was never sealed (stored before sealing existed) is returned as it is. */
  open(stored: string): string {
    if (!SecretBox.isSealed(stored)) return stored;
    const [, keyId, iv, body, tag] = stored.split('.');
    if (keyId !== this.keyId) throw new Error(`the secret was sealed with key ${keyId}, not the configured ${this.keyId}`);
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }

  static isSealed(stored: string): boolean {
    return stored.startsWith(`${FORMAT}.`) && stored.split('.').length === 5;
  }
}

/**
 * The secret box key: WEBHOOK_SECRETS_KEY when given, else the file `webhook-secrets.key` next to the
 * ledger key file, created once with an exclusive write (two processes starting together end with
 * the same key, as for the ledger key).
 */
export function loadSecretBox(config: Pick<AppConfig, 'webhookSecretsKey' | 'ledgerKeyFile'>): SecretBox {
  if (config.webhookSecretsKey) return new SecretBox(config.webhookSecretsKey);
  const file = join(dirname(config.ledgerKeyFile), 'webhook-secrets.key');
  const read = (): SecretBox => new SecretBox(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'));
  try {
    return read();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dirname(file), { recursive: true });
  try {
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return read();
}
