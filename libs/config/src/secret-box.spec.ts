import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './app-config';
import { SecretBox, loadSecretBox } from './secret-box';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('seals a secret so that the stored value does not contain it, and opens it again', () => {
    const sealed = box.seal('whsec_abc123');
    expect(sealed).toMatch(/^wlbox1\.[0-9a-f]{8}\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('abc123');
    expect(box.open(sealed)).toBe('whsec_abc123');
    // A fresh IV each time: the same secret never seals to the same value twice.
    expect(box.seal('whsec_abc123')).not.toBe(sealed);
  });

  it('refuses a value changed after sealing, or sealed with another key', () => {
    const sealed = box.seal('whsec_abc123');
    const parts = sealed.split('.');
    parts[3] = Buffer.from(Buffer.from(parts[3], 'base64url').map((b, i) => (i === 0 ? b ^ 1 : b))).toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed)).toThrow(/sealed with key/);
  });

  it('passes through a value stored before sealing existed', () => {
    expect(box.open('whsec_plain-old-secret')).toBe('whsec_plain-old-secret');
  });

  it('takes the key from WEBHOOK_SECRETS_KEY, or creates it once next to the ledger key file', () => {
    const key = randomBytes(32);
    const fromEnv = loadSecretBox(loadConfig({ WEBHOOK_SECRETS_KEY: key.toString('base64') }));
    expect(fromEnv.keyId).toBe(new SecretBox(key).keyId);
    expect(() => loadConfig({ WEBHOOK_SECRETS_KEY: 'c2hvcnQ=' })).toThrow(/WEBHOOK_SECRETS_KEY/);

    const dir = mkdtempSync(join(tmpdir(), 'secret-box-'));
    try {
      const config = loadConfig({ LEDGER_KEY_FILE: join(dir, 'keys', 'ledger.pem') });
      const first = loadSecretBox(config);
      const again = loadSecretBox(config);
      expect(again.keyId).toBe(first.keyId);
      const file = join(dir, 'keys', 'webhook-secrets.key');
      expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64')).toHaveLength(32);
      expect(statSync(file).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
