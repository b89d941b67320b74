import fc from 'fast-check';
import { CanonicalJsonError, JsonValue, MAX_JSON_DEPTH, canonicalJson, canonicalNumber } from './canonical-json';

describe('canonical JSON (the payload bytes an event hash covers)', () => {
  it('orders keys as jsonb does: shorter UTF-8 first, then bytewise, at every depth', () => {
    expect(canonicalJson({ b: 1, aa: { z: null, y: [true, false] }, a: {}, é: [], c: 'x' })).toBe(
      '{"a": {}, "b": 1, "c": "x", "aa": {"y": [true, false], "z": null}, "é": []}',
    );
  });

  it('compares keys by bytes, not UTF-16 code units', () => {
    // U+FF21 (3 UTF-8 bytes) sorts after an astral character (4 bytes)? No: shorter encodings come first.
    expect(canonicalJson({ '😀': 1, 'Ａ': 2 })).toBe('{"Ａ": 2, "😀": 1}');
    // Same length: bytewise, so "Z" (0x5a) before "a" (0x61).
    expect(canonicalJson({ a: 1, Z: 2 })).toBe('{"Z": 2, "a": 1}');
  });

  it.each<[number, string]>([
    [0, '0'],
    [-0, '0'],
    [1, '1'],
    [-2.5, '-2.5'],
    [0.1, '0.1'],
    [1e21, '1000000000000000000000'],
    [-1.5e-7, '-0.00000015'],
    [123456789.125, '123456789.125'],
    [2 ** 53 + 2, '9007199254740994'],
    [1.7976931348623157e308, '17976931348623157' + '0'.repeat(292)],
    [5e-324, '0.' + '0'.repeat(323) + '5'],
  ])('writes %p as %s (no exponent, as numeric prints it)', (value, text) => {
    expect(canonicalNumber(value)).toBe(text);
  });

  it('refuses numbers JSON cannot hold', () => {
    for (const n of [NaN, Infinity, -Infinity]) {
      expect(() => canonicalJson({ n })).toThrow(CanonicalJsonError);
    }
  });

  it('escapes strings as JSON.stringify does and keeps other characters literal', () => {
    expect(canonicalJson({ s: '"\\/\b\f\n\r\t\u001f\u007f é 感染性 😀' })).toBe(
      '{"s": "\\"\\\\/\\b\\f\\n\\r\\t\\u001f\u007f é 感染性 😀"}',
    );
  });

  it('refuses NUL and unpaired surrogates, which jsonb cannot store', () => {
    expect(() => canonicalJson({ s: 'a\u0000b' })).toThrow('NUL');
    expect(() => canonicalJson({ s: '\ud800' })).toThrow('surrogate');
    expect(() => canonicalJson({ s: 'x\udc00' })).toThrow('surrogate');
    expect(() => canonicalJson({ ['k\u0000']: 1 })).toThrow('NUL');
  });

  it('leaves out undefined members but refuses undefined elsewhere', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b": 1}');
    expect(() => canonicalJson([1, undefined] as unknown as JsonValue)).toThrow(CanonicalJsonError);
  });

  it('refuses values that are not plain JSON data, naming where they are', () => {
    expect(() => canonicalJson({ at: new Date() as unknown as JsonValue })).toThrow('$.at: only plain objects');
    expect(() => canonicalJson({ n: 1n as unknown as JsonValue })).toThrow('bigint is not JSON');
    expect(() => canonicalJson({ f: (() => 1) as unknown as JsonValue })).toThrow('function is not JSON');
  });

  it('accepts objects without a prototype', () => {
    const bare = Object.create(null) as Record<string, JsonValue>;
    bare.k = 1;
    expect(canonicalJson(bare)).toBe('{"k": 1}');
  });

  it('refuses nesting deeper than the limit', () => {
    let deep: JsonValue = 1;
    for (let i = 0; i < MAX_JSON_DEPTH + 1; i++) deep = [deep];
    expect(() => canonicalJson(deep)).toThrow('nested deeper');
  });

  it('is a fixed point: parsing the canonical text and writing it again gives the same text', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        let text: string;
        try {
          text = canonicalJson(value as JsonValue);
        } catch (error) {
          if (error instanceof CanonicalJsonError) return; // NUL or lone surrogates: refused, fine
          throw error;
        }
        expect(canonicalJson(JSON.parse(text) as JsonValue)).toBe(text);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 500 },
    );
  });
});
