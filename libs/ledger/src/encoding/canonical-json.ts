/**
 * The canonical JSON text of an event payload: the exact bytes the event hash covers.
 *
 * The form is the one PostgreSQL's jsonb prints, so that `payload::text` (and the jsonb binary
 * wire format, which is a version byte followed by the same text) reproduces it byte for byte and
 * verification can hash what the database sends without parsing JSON at all:
 *
 * - object keys sorted by the length of their UTF-8 encoding, then bytewise (jsonb's key order);
 * - `", "` between members and elements, `": "` between a key and its value, no other whitespace;
 * - strings escaped as JSON.stringify does (`\"`, `\\`, `\b \f \n \r \t`, other control characters
 *   as lower-case `\u00xx`, everything else literal UTF-8);
 * - numbers as the shortest decimal that round-trips the IEEE-754 double (ECMAScript's
 *   Number::toString) written out without an exponent (`1e21` -> `1000000000000000000000`,
 *   `1.5e-7` -> `0.00000015`, `-0` -> `0`), which is how numeric prints it back.
 *
 * Values jsonb cannot hold, or cannot give back unchanged, are refused: non-finite numbers, NUL
 * characters, unpaired surrogates, and anything that is not plain JSON data. `undefined` members of
 * an object are left out (as JSON.stringify does); `undefined` anywhere else is refused.
 */

export type JsonPrimitive = null | boolean | number | string;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue | undefined;
}

export class CanonicalJsonError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
    this.name = 'CanonicalJsonError';
  }
}

/** Nesting deeper than this is refused before it can exhaust the stack (jsonb has a limit too). */
export const MAX_JSON_DEPTH = 64;

// A cheap screen first; the exact (slower) check runs only on strings with surrogates.
const ANY_SURROGATE = /[\uD800-\uDFFF]/;
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Takes `unknown` on purpose: payloads arrive typed loosely from many callers, and every value is
 * checked here at run time anyway.
 */
export function canonicalJson(value: unknown): string {
  return write(value, []);
}

/** `path` is the way down, kept as segments and only joined into text when something is refused. */
function write(value: unknown, path: (string | number)[]): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return writeNumber(value, path);
    case 'string':
      return writeString(value, path);
    case 'object':
      break;
    case 'bigint':
    case 'function':
    case 'symbol':
    case 'undefined':
      throw refused(path, `${typeof value} is not JSON`);
  }
  if (path.length >= MAX_JSON_DEPTH) throw refused(path, `nested deeper than ${MAX_JSON_DEPTH}`);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      path.push(i);
      if (item === undefined) throw refused(path, 'undefined is not JSON');
      out += (i === 0 ? '' : ', ') + write(item, path);
      path.pop();
    }
    return out + ']';
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    throw refused(path, 'only plain objects are JSON (convert dates and class instances first)');
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).filter((k) => record[k] !== undefined);
  keys.sort(compareKeys);
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    path.push(key);
    out += (i === 0 ? '' : ', ') + writeString(key, path) + ': ' + write(record[key], path);
    path.pop();
  }
  return out + '}';
}

function refused(path: readonly (string | number)[], problem: string): CanonicalJsonError {
  const where = path.map((p) => (typeof p === 'number' ? `[${p}]` : /^[A-Za-z_$][\w$]*$/.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`)).join('');
  return new CanonicalJsonError(`$${where}`, problem);
}

/** jsonb's key order: shorter UTF-8 encodings first, then bytewise (which is code point order). */
export function compareKeys(a: string, b: string): number {
  const byLength = utf8Length(a) - utf8Length(b);
  if (byLength !== 0) return byLength;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/**
 * UTF-16 code units ordered as the code points they start: surrogates (astral characters) after
 * every other BMP unit. Comparing these ranks at the first difference is UTF-8 byte order.
 */
function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}

function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    // 2 bytes below U+0800, 3 for the rest of the BMP; a surrogate pair (2 units) makes 4.
    n += c < 0x800 ? 1 : c >= 0xd800 && c <= 0xdfff ? 1 : 2;
  }
  return n;
}

function writeString(value: string, path: readonly (string | number)[]): string {
  if (value.includes('\u0000')) throw refused(path, 'contains a NUL character');
  if (ANY_SURROGATE.test(value) && UNPAIRED_SURROGATE.test(value)) throw refused(path, 'contains an unpaired surrogate');
  return JSON.stringify(value);
}

function writeNumber(value: number, path: readonly (string | number)[]): string {
  if (!Number.isFinite(value)) throw refused(path, `${value} is not a finite number`);
  if (value === 0) return '0';
  const text = String(value);
  // Only magnitudes ≥ 1e21 or < 1e-6 are written with an exponent.
  return text.includes('e') ? plainDecimal(text) : text;
}

export function canonicalNumber(value: number): string {
  return writeNumber(value, []);
}

/** ECMAScript's shortest round-trip text, with its exponent written out in full. */
function plainDecimal(text: string): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text) as RegExpExecArray;
  const [, sign, whole, fraction = '', exponentText] = match;
  const digits = whole + fraction;
  const point = whole.length + Number(exponentText);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}
