import { loadSigningKey } from '@app/config';
import { generateKeyPairSync } from 'node:crypto';
import { formatContainerCode, parseContainerCode, CODE_LENGTH } from './container-code';
import { checkLabel, signLabel } from './label-signature';

const pem = () => generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const key = loadSigningKey({ ledgerSigningKeyPem: pem(), ledgerKeyFile: '/nonexistent' });
const otherKey = loadSigningKey({ ledgerSigningKeyPem: pem(), ledgerKeyFile: '/nonexistent' });
const code = formatContainerCode('91500106MA00000054', '900-041-49', '2026-11-28', 7);

describe('数字识别码', () => {
  it('has 37 characters in four segments and parses back', () => {
    expect(code).toHaveLength(CODE_LENGTH);
    expect(CODE_LENGTH).toBe(37);
    expect(code).toBe('91500106MA00000054' + '90004149' + '20261128' + '007');
    expect(parseContainerCode(code)).toEqual({ uscc: '91500106MA00000054', wasteCode: '900-041-49', day: '2026-11-28', sequence: 7 });
  });
});

describe('signed label payload', () => {
  const payload = signLabel(key, code);

  it('verifies a genuine label', () => {
    expect(checkLabel([key], payload)).toEqual({ ok: true, code, keyId: key.keyId });
  });

  it('refuses a label with one byte changed', () => {
    const i = payload.length - 10;
    const altered = payload.slice(0, i) + (payload[i] === 'A' ? 'B' : 'A') + payload.slice(i + 1);
    expect(checkLabel([key], altered)).toMatchObject({ ok: false, reason: 'LABEL_SIGNATURE_INVALID' });
    const otherCode = payload.replace('007.', '008.');
    expect(checkLabel([key], otherCode)).toMatchObject({ ok: false, reason: 'LABEL_SIGNATURE_INVALID', claimedCode: code.replace(/007$/, '008') });
  });

  it('refuses a label signed by another key', () => {
    const forged = signLabel({ ...otherKey, keyId: key.keyId }, code);
    expect(checkLabel([key], forged)).toMatchObject({ ok: false, reason: 'LABEL_SIGNATURE_INVALID' });
  });

  it('refuses a truncated payload and garbage', () => {
    expect(checkLabel([key], payload.slice(0, -5))).toMatchObject({ ok: false, reason: 'LABEL_MALFORMED' });
    expect(checkLabel([key], code)).toMatchObject({ ok: false, reason: 'LABEL_MALFORMED', claimedCode: code });
    expect(checkLabel([key], '')).toMatchObject({ ok: false, reason: 'LABEL_MALFORMED' });
  });
});
