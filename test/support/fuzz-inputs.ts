import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';

/**
 * Generators of hostile input for the fuzz suite, at the level an attacker works at: raw JSON text
 * (not JS objects, so numbers JSON cannot hold, duplicate and dangerous keys and deep nesting reach
 * the server as sent), raw bytes (invalid UTF-8), and the transport (content type and encoding).
 * Values that must be refused are tagged, so the suite's oracle does not re-derive the rules it tests.
 */

/** Key names that object-walking code treats specially: they must be kept in opaque data, refused elsewhere. */
export const DANGEROUS_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
] as const;

const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\r\n',
  'a\u0007b',
  '\u001b[31mred',
  '\u2028\u2029',
  '\ufeff',
  '\ud800',
  '../../etc/passwd',
  '{"$gt":""}',
  '$where',
  'x'.repeat(5000),
  '💥',
  'NaN',
  '-1',
  '1e309',
];

/** Number literals JSON allows but a double cannot hold as written, and ones that are fine. */
const ODD_NUMBERS = [
  '1e400',
  '-1e400',
  '1E-400',
  '123456789012345678901234567890',
  '9007199254740993',
  '-0',
  '0.1e1',
  '1.7976931348623157e308',
  '5e-324',
];
/** Literals whose value a double cannot hold at all (they would become Infinity, then null). */
export const NON_FINITE_LITERALS = ['1e400', '-1e400'];

/** Date-time strings that have the expected shape but name no real instant. */
export const INVALID_DATES = [
  '2026-13-01T00:00:00Z',
  '2026-00-10T00:00:00Z',
  '2026-01-45T00:00:00Z',
  '2026-02-30T00:00:00Z',
  '2025-02-29T00:00:00Z',
  '2026-04-31T12:00:00Z',
  '2026-01-01T99:00:00Z',
  '2026-01-01T24:00:00Z',
  '2026-01-01T23:60:00Z',
  '2026-01-01T23:59:61Z',
  '2026-01-01T00:00:00+25:00',
  '2026-01-01T00:00:00+05:99',
  '0000-00-00T00:00:00Z',
];
export const VALID_DATES = [
  '2026-11-20T00:00:00Z',
  '2024-02-29T23:59:59.999Z',
  '2026-01-01T00:00:00+05:30',
  '2026-06-30T12:00Z',
];

/** Dotted IPv4 addresses that are not public unicast ones. */
const NON_PUBLIC_V4 = [
  '127.0.0.1',
  '10.0.0.1',
  '169.254.169.254',
  '192.168.1.1',
  '172.16.0.1',
  '100.64.0.1',
  '0.0.0.0',
  '224.0.0.1',
  '255.255.255.255',
  '198.18.0.1',
  '192.0.0.8',
];

/** Every notation of an IPv4 address as a URL host, the IPv6 forms that embed or map it included. */
function hostForms(v4: string): string[] {
  const [a, b, c, d] = v4.split('.').map(Number);
  const hi = ((a << 8) | b).toString(16);
  const lo = ((c << 8) | d).toString(16);
  const int = ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
  const teredo = (n: number) => ((~n >>> 0) & 0xffff).toString(16);
  return [
    v4,
    `${v4}.`,
    String(int),
    `0x${int.toString(16)}`,
    `0${a.toString(8)}.${b}.${c}.${d}`,
    `${a}.${(b << 16) + (c << 8) + d}`,
    `[::ffff:${v4}]`,
    `[::ffff:${hi}:${lo}]`,
    `[0:0:0:0:0:ffff:${v4}]`,
    `[::${v4}]`,
    `[::${hi}:${lo}]`,
    `[::ffff:0:${v4}]`,
    `[64:ff9b::${v4}]`,
    `[64:ff9b::${hi}:${lo}]`,
    `[64:ff9b:1::${hi}:${lo}]`,
    `[2002:${hi}:${lo}::1]`,
    `[2001:0:4136:e378:8000:63bf:${teredo((a << 8) | b)}:${teredo((c << 8) | d)}]`,
  ];
}

/** Hosts that must never receive a webhook: loopback, private, link-local, and every IPv6 detour to them. */
export const NON_PUBLIC_HOSTS = [
  ...NON_PUBLIC_V4.flatMap(hostForms),
  '[::1]',
  '[::]',
  '[fe80::1]',
  '[fc00::1]',
  '[fd12:3456::1]',
  '[ff02::1]',
  '[100::1]',
  '[2001:db8::1]',
  '[fec0::1]',
  'localhost',
  'LOCALHOST.',
  'ｌｏｃａｌｈｏｓｔ',
  'xn--localhost-',
];

/** URLs in the notations a naive parser mishandles; each tagged with whether it must be refused. */
export interface UrlCase {
  url: string;
  /** Must be refused whatever the SSRF setting: not a URL one could store and show back safely. */
  malformed: boolean;
  /** Points to a non-public address: refused when the SSRF guard is on. */
  nonPublic: boolean;
}

const MALFORMED_URLS = [
  'https://example.com/\r\nX-Injected: 1',
  'https://example.com/a b',
  ' https://example.com/',
  'https://example.com/\t',
  'https://exa mple.com/',
  'https://example.com/\u0000',
  'https://example.com/\u00a0',
  'https://user:pass@example.com/',
  'https://example.com@127.0.0.1/',
  'javascript:alert(1)',
  'file:///etc/passwd',
  'ftp://example.com/',
  '//example.com/hook',
  'https://',
  'https://[::1/',
  'https://example.com:0/hook',
  'http://example.com:000/hook',
];

export const urlCase: fc.Arbitrary<UrlCase> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('http', 'https'),
      fc.constantFrom(...NON_PUBLIC_HOSTS),
      fc.constantFrom('', ':8080'),
    )
    .map(([scheme, host, port]) => ({
      url: `${scheme}://${host}${port}/hook`,
      malformed: false,
      nonPublic: true,
    })),
  fc.constantFrom(...MALFORMED_URLS).map((url) => ({ url, malformed: true, nonPublic: false })),
  fc
    .constantFrom('https://example.com/hooks', 'https://bücher.example/h?a=1', 'https://EXAMPLE.com:443/%7Ex')
    .map((url) => ({ url, malformed: false, nonPublic: false })),
);

/** Custom header values: some HTTP cannot carry (must be refused), some it can. */
export const BAD_HEADER_VALUES = [
  'é',
  '日本',
  'a\u0001b',
  'a\u007fb',
  ' padded',
  'padded ',
  'a\nb',
  '\u0085',
];
export const headerValue = fc.oneof(
  fc.constantFrom(...BAD_HEADER_VALUES),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: 'binary-ascii', maxLength: 12 }),
);

const stringLiteral = fc
  .oneof(
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.constantFrom(...NASTY_STRINGS, ...INVALID_DATES, ...VALID_DATES),
  )
  .map((s) => JSON.stringify(s));

const leaf = fc.oneof(
  { weight: 4, arbitrary: stringLiteral },
  { weight: 2, arbitrary: fc.constantFrom(...ODD_NUMBERS) },
  { weight: 1, arbitrary: fc.double().map((n) => JSON.stringify(n)) },
  { weight: 2, arbitrary: fc.constantFrom('null', 'true', 'false', '0', '-1', '{}', '[]') },
);

export const keyName = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 2, arbitrary: fc.constantFrom(...DANGEROUS_KEYS, '$gt', '$where', 'a.b', '') },
);

/** JSON text as a member list, so that the same key can appear twice and keys keep their order. */
export const objectText = (members: [string, string][]) =>
  `{${members.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;

const tree = fc.letrec<{ node: string; obj: string; arr: string }>((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, leaf, tie('obj'), tie('arr')),
  obj: fc.array(fc.tuple(keyName, tie('node')), { maxLength: 4 }).map(objectText),
  arr: fc.array(tie('node'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
})).node;

/** Nesting far past any sane limit: what overflowed the stack of recursive validation. */
const deep = fc
  .tuple(fc.integer({ min: 20, max: 20_000 }), fc.boolean())
  .map(([n, arrays]) =>
    arrays ? '['.repeat(n) + '1' + ']'.repeat(n) : '{"a":'.repeat(n) + '1' + '}'.repeat(n),
  );

/** Any JSON value, as text: shallow and odd, or nested deep. */
export const jsonText = fc.oneof({ weight: 8, arbitrary: tree }, { weight: 1, arbitrary: deep });

/** Invalid UTF-8 sequences: a lone continuation byte, a truncated one, an overlong slash, an encoded surrogate. */
const BAD_UTF8 = [
  [0xff],
  [0xc3, 0x28],
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xe2, 0x82],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
];

/** A body's bytes, sometimes with invalid UTF-8 put just inside one of its strings (when it has one). */
export function bodyBytes(text: string) {
  const valid = fc.constant({ bytes: Buffer.from(text, 'utf8'), invalidUtf8: false });
  const quotes = [...text.matchAll(/"/g)].map((m) => m.index);
  if (quotes.length === 0) return valid;
  const invalid = fc.tuple(fc.nat(), fc.constantFrom(...BAD_UTF8)).map(([n, bad]) => {
    const utf8 = Buffer.from(text, 'utf8');
    const cut = Buffer.byteLength(text.slice(0, quotes[n % quotes.length] + 1), 'utf8');
    return {
      bytes: Buffer.concat([utf8.subarray(0, cut), Buffer.from(bad), utf8.subarray(cut)]),
      invalidUtf8: true,
    };
  });
  return fc.oneof({ weight: 6, arbitrary: valid }, { weight: 1, arbitrary: invalid });
}

/** How a body is declared and encoded on the wire, and what the server must answer for it. */
export interface Transport {
  contentType?: string;
  contentEncoding?: string;
  encode: (body: Buffer) => Buffer;
  /** 415 for a type or encoding the API does not take, 400 for a body that does not match its encoding. */
  expect?: 415 | 400;
}

const identity = (b: Buffer) => b;
export const transport: fc.Arbitrary<Transport> = fc.oneof(
  { weight: 12, arbitrary: fc.constant<Transport>({ contentType: 'application/json', encode: identity }) },
  {
    weight: 4,
    arbitrary: fc.constantFrom<Transport>(
      { contentType: 'application/json; charset=utf-8', encode: identity },
      { contentType: 'application/merge-patch+json', encode: identity },
      { contentType: 'APPLICATION/JSON', encode: identity },
      { contentType: 'application/json', contentEncoding: 'gzip', encode: (b) => gzipSync(b) },
      { contentType: 'application/json', contentEncoding: 'deflate', encode: (b) => deflateSync(b) },
      { contentType: 'application/json', contentEncoding: 'br', encode: (b) => brotliCompressSync(b) },
      { contentType: 'application/json', contentEncoding: 'identity', encode: identity },
    ),
  },
  {
    weight: 4,
    arbitrary: fc.constantFrom<Transport>(
      { contentType: undefined, encode: identity, expect: 415 },
      { contentType: 'text/plain', encode: identity, expect: 415 },
      { contentType: 'application/x-www-form-urlencoded', encode: identity, expect: 415 },
      { contentType: 'multipart/form-data; boundary=x', encode: identity, expect: 415 },
      { contentType: 'application/xml', encode: identity, expect: 415 },
      { contentType: ';;;', encode: identity, expect: 415 },
      { contentType: 'application/json; charset=utf-16', encode: identity, expect: 415 },
      { contentType: 'application/json; charset=latin1', encode: identity, expect: 415 },
      { contentType: 'application/json', contentEncoding: 'compress', encode: identity, expect: 415 },
      { contentType: 'application/json', contentEncoding: 'x-unknown', encode: identity, expect: 415 },
      { contentType: 'application/json', contentEncoding: 'gzip', encode: identity, expect: 400 },
      { contentType: 'application/json', contentEncoding: 'deflate', encode: identity, expect: 400 },
      { contentType: 'application/json', contentEncoding: 'br', encode: identity, expect: 400 },
      {
        contentType: 'application/json',
        contentEncoding: 'gzip',
        encode: (b) => gzipSync(b).subarray(0, 12),
        expect: 400,
      },
    ),
  },
);

/** Whether JSON text holds, anywhere, a member with one of these names (at any depth). */
/** Whether a NUL character (U+0000) is in any key or text of a parsed JSON value. */
export function hasNulAnywhere(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(value).some(([key, item]) => key.includes('\u0000') || hasNulAnywhere(item));
}

export function hasKeyAnywhere(value: unknown, names: readonly string[]): boolean {
  const stack = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item !== 'object' || item === null) continue;
    for (const key of Object.keys(item)) {
      if (names.includes(key)) return true;
      stack.push((item as Record<string, unknown>)[key]);
    }
  }
  return false;
}

/** Whether a parsed value holds a number JSON.parse turned into Infinity. */
export function hasNonFinite(value: unknown): boolean {
  const stack = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'number' && !Number.isFinite(item)) return true;
    if (typeof item === 'object' && item !== null) stack.push(...Object.values(item));
  }
  return false;
}

/**
 * How deep a JSON text nests (objects and arrays), as the API sees it: of the value JSON.parse
 * makes, where a key given twice keeps its last value (an earlier, deeper one never reaches the
 * code); of the text as written when it does not parse.
 */
export function jsonDepth(text: string): number {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return textDepth(text);
  }
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    max = Math.max(max, depth + 1);
    for (const key of Object.keys(node)) stack.push([(node as Record<string, unknown>)[key], depth + 1]);
  }
  return max;
}

function textDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') max = Math.max(max, ++depth);
    else if (ch === '}' || ch === ']') depth--;
  }
  return max;
}
