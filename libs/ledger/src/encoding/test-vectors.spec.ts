import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import { EncodableEvent, encodeEvent, eventHash } from './event-encoding';
import { encodeCheckpoint } from './checkpoint-encoding';
import { isoToMicros } from './fields';
import { merkleRoot } from '../merkle/merkle';

/**
 * The worked example of docs/ledger.md ("Test vectors"). If this test fails, the document and the
 * code disagree: fix whichever is wrong, never just the numbers.
 */
describe('docs/ledger.md test vectors', () => {
  const payloadJson = canonicalJson({ wasteCode: '900-041-49', weightKg: 12.5, hazards: ['T', 'In'], note: '感染性', at: '2025-06-01T08:00:00.000Z' });
  const e1: EncodableEvent = {
    id: '11111111-1111-4111-8111-111111111111',
    prevHash: null,
    subjectType: 'container',
    subjectId: '22222222-2222-4222-8222-222222222222',
    subjectSeq: 1,
    type: 'container.registered',
    actorOrgId: '33333333-3333-4333-8333-333333333333',
    actorUserId: null,
    actorDevice: 'scanner-7',
    deviceTimeUs: isoToMicros('2025-06-01T07:59:58.250Z'),
    serverTimeUs: isoToMicros('2025-06-01T08:00:00.123Z'),
    payloadJson,
  };
  const h1 = eventHash(e1);
  const e2: EncodableEvent = {
    ...e1,
    id: '44444444-4444-4444-8444-444444444444',
    prevHash: h1,
    subjectSeq: 2,
    type: 'container.stored',
    actorDevice: null,
    deviceTimeUs: null,
    serverTimeUs: isoToMicros('2025-06-01T09:30:00.000Z'),
    payloadJson: canonicalJson({ facilityId: '55555555-5555-4555-8555-555555555555' }),
  };
  const e3: EncodableEvent = { ...e1, id: '66666666-6666-4666-8666-666666666666', subjectId: '77777777-7777-4777-8777-777777777777' };

  it('event 1: canonical payload, preimage and hash', () => {
    expect(payloadJson).toBe('{"at": "2025-06-01T08:00:00.000Z", "note": "感染性", "hazards": ["T", "In"], "weightKg": 12.5, "wasteCode": "900-041-49"}');
    expect(encodeEvent(e1).toString('hex')).toBe(
      '0000001477617374656c65646765722e6576656e742e763100000010111111111111411181111111111111' +
        '11ffffffff00000009636f6e7461696e65720000001022222222222242228222222222222222000000040000' +
        '000100000014636f6e7461696e65722e726567697374657265640000001033333333333343338333333333' +
        '333333ffffffff000000097363616e6e65722d37000000080002d97ccd608c10000000080002d97ccd7d2078' +
        '0000007d017b226174223a2022323032352d30362d30315430383a30303a30302e3030305a222c20226e6f74' +
        '65223a2022e6849fe69f93e680a7222c202268617a61726473223a205b2254222c2022496e225d2c20227765' +
        '696768744b67223a2031322e352c20227761737465436f6465223a20223930302d3034312d3439227d',
    );
    expect(h1.toString('hex')).toBe('0689318ce505aafdb4b9c5644602f364d43d0d98516f4715d1a62ddb4c4979f7');
  });

  it('event 2 (chained to event 1) and event 3 (another subject)', () => {
    expect(eventHash(e2).toString('hex')).toBe('633a6c243c991e6d47c134aaf02eadec9e19faed49c63a4d552ac6c086d0a8b2');
    expect(eventHash(e3).toString('hex')).toBe('a74e87fd0a285e001fa09b4a46145977798c6e15f1feaadb2d484bff79c9b5c3');
  });

  it('checkpoint over seq 1..3 (events 1, 3, 2 in seq order), signed with the RFC 8032 test key', () => {
    const root = merkleRoot([h1, eventHash(e3), eventHash(e2)]);
    expect(root.toString('hex')).toBe('fde2832db012e2a4255244546c4152b29a268190751c7b0b30caad3a2410d9b0');
    const message = encodeCheckpoint({
      id: '88888888-8888-4888-8888-888888888888',
      fromSeq: 1n,
      toSeq: 3n,
      eventCount: 3,
      merkleRoot: root,
      prevCheckpointId: null,
      prevMerkleRoot: null,
      signedAtUs: isoToMicros('2025-06-01T09:30:10.000Z'),
      keyId: 'rfc8032-test-1',
    });
    expect(message.toString('hex')).toBe(
      '0000001977617374656c65646765722e636865636b706f696e742e763100000010888888888888488888888888' +
        '8888888800000008000000000000000100000008000000000000000300000008000000000000000300000020' +
        'fde2832db012e2a4255244546c4152b29a268190751c7b0b30caad3a2410d9b0ffffffffffffffff00000008' +
        '0002d97e0ff14c800000000e726663383033322d746573742d31',
    );
    const seed = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');
    const pub = Buffer.from('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', 'hex');
    const privateKey = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: seed.toString('base64url'), x: pub.toString('base64url') }, format: 'jwk' });
    const signature = sign(null, message, privateKey);
    expect(signature.toString('hex')).toBe(
      'f264334f1628b8c396ace89c0c25a538e89c494dfcff947d1eaec3f938ddad7b09f1f2498bcc85dab79beebf5d09a4cc6e37f9025d1217b0de0bafdab4dff905',
    );
    const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: pub.toString('base64url') }, format: 'jwk' });
    expect(verify(null, message, publicKey, signature)).toBe(true);
  });
});
