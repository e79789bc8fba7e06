import fc from 'fast-check';
import type { JsonSchema } from './openapi-shape.ts';

/** A body too large to keep in every sample: built when sent, `unit` repeated `times` times. */
export interface RepeatedBody {
  readonly prefix: string;
  readonly unit: string;
  readonly times: number;
  readonly suffix: string;
}

/** The text of a request body, built from its description. */
export const bodyText = (body: string | RepeatedBody): string =>
  typeof body === 'string' ? body : `${body.prefix}${body.unit.repeat(body.times)}${body.suffix}`;

export const weighted = <T>(arbitrary: fc.Arbitrary<T>, weight: number) => ({ arbitrary, weight });

/** Header values Node will send: printable ASCII and Latin-1, never CR or LF. */
export const headerText = (maxLength: number): fc.Arbitrary<string> =>
  fc.string({
    maxLength,
    unit: fc
      .oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0xa0, max: 0xff }))
      .map((code) => String.fromCharCode(code)),
  });

const encodeSafely = (text: string): string => {
  try {
    return encodeURIComponent(text);
  } catch {
    return 'x';
  }
};

/** Path segments that are not ids: traversal, bad escapes, injection, words JavaScript treats specially. */
const GARBAGE_SEGMENTS = [
  '%2e%2e',
  '%2E%2E%2F%2E%2E%2Fetc%2Fpasswd',
  '..',
  '.',
  '%2F',
  '%00',
  '%ZZ',
  '%',
  '%E2%82',
  '%C0%AE%C0%AE',
  'a%2Fb',
  ';x=1',
  '*',
  '~',
  '%20',
  'null',
  'undefined',
  '__proto__',
  'constructor',
  "'%20OR%201=1--",
];

/** A path segment where an id belongs that is anything but a known id. */
export const garbageSegment: fc.Arbitrary<string> = fc.oneof(
  weighted(fc.stringMatching(/^[A-Za-z0-9_]{1,40}$/), 3),
  weighted(fc.constantFrom(...GARBAGE_SEGMENTS), 3),
  weighted(fc.string({ minLength: 1, maxLength: 20, unit: 'grapheme' }).map(encodeSafely), 2),
  weighted(
    fc.constantFrom(65, 101, 2_000, 20_000).map((length) => 'a'.repeat(length)),
    1,
  ),
);

/** A well-formed id segment from `pool`, or a random id when nothing is known. */
export const validSegment = (pool: readonly string[]): fc.Arbitrary<string> =>
  pool.length > 0
    ? fc.constantFrom(...pool).map(encodeURIComponent)
    : fc.stringMatching(/^[a-z]{3}_[A-Z0-9]{8}$/);

const PAGE_NUMBERS = [
  '',
  '0',
  '-1',
  '1',
  '2',
  '1000',
  '1001',
  '1.5',
  '1e3',
  '1e309',
  'NaN',
  'Infinity',
  '-Infinity',
  '0x10',
  '%201',
  '9007199254740991',
  '9007199254740993',
  '99999999999999999999999',
  'abc',
  'null',
  '%EF%BC%91',
  '%00',
];
const BOOLEANS = ['true', 'false', 'TRUE', 'True', '1', '0', 'yes', '', 'null', '2', 'tRuE', '%00'];

const queryValue = (name: string): fc.Arbitrary<string> =>
  fc.oneof(
    weighted(fc.constantFrom(...(name === 'includeInactive' ? BOOLEANS : PAGE_NUMBERS)), 3),
    weighted(fc.string({ maxLength: 30, unit: 'grapheme' }).map(encodeSafely), 1),
    weighted(fc.constantFrom('%', '%ZZ', '%E0%A4%A', 'a'.repeat(5_000)), 1),
  );

/** Paging values a client may send. */
export const validQuery: fc.Arbitrary<string> = fc.constantFrom(
  '',
  '?pageNumber=1',
  '?pageNumber=2&pageSize=1',
  '?pageSize=1000&includeInactive=true',
  '?includeInactive=0',
);

/** Query strings with edge and garbage values for `names` (and paging), or malformed as a whole. */
export const garbageQuery = (names: readonly string[]): fc.Arbitrary<string> => {
  const name = fc.oneof(
    weighted(fc.constantFrom(...names, 'pageNumber', 'pageSize', 'includeInactive'), 4),
    weighted(fc.string({ maxLength: 8 }).map(encodeSafely), 1),
  );
  const pair = name.chain((chosen) => queryValue(chosen).map((value) => `${chosen}=${value}`));
  return fc.oneof(
    weighted(
      fc.array(pair, { minLength: 1, maxLength: 4 }).map((pairs) => `?${pairs.join('&')}`),
      5,
    ),
    weighted(
      fc.constantFrom(
        '?',
        '?&&&',
        '?=',
        '?pageNumber[]=1',
        '?pageSize=1&pageSize=2',
        `?${'a=1&'.repeat(1_500)}`,
      ),
      1,
    ),
  );
};

/** Bodies that are not JSON, or JSON nobody should send. */
export const malformedBody: fc.Arbitrary<string> = fc.constantFrom(
  '',
  '{',
  '{"a":}',
  '[1,]',
  "{'a':1}",
  '\uFEFF{}',
  'NaN',
  'undefined',
  '{"a":1}{"b":2}',
  '\u0000',
  '{"a":"\\ud800"}',
  '1e999',
  '-0',
  '"text"',
  '{"__proto__":{"isAdmin":true}}',
  '{"constructor":{"prototype":{"isAdmin":true}}}',
  '{"a":1,"a":2}',
  'null',
  '[]',
  'true',
);

/** Nested `times` deep, in a field `name` of an object, or as the whole body when `name` is null. */
export const deepBody = (names: readonly (string | null)[]): fc.Arbitrary<RepeatedBody> =>
  fc
    .tuple(fc.constantFrom(...names), fc.constantFrom(1_000, 20_000, 200_000), fc.constantFrom('[', '{"a":'))
    .map(([name, times, unit]) => {
      const inner = `${unit === '[' ? '1' : '{"__proto__":1}'}${(unit === '[' ? ']' : '}').repeat(times)}`;
      return name === null
        ? { prefix: '', unit, times, suffix: inner }
        : { prefix: `{"${name}":`, unit, times, suffix: `${inner}}` };
    });

/** A string field of 10 kB to 17 MB (past the 16 MiB body limit). */
export const hugeBody = (names: readonly string[]): fc.Arbitrary<RepeatedBody> =>
  fc
    .tuple(
      fc.constantFrom(...names, 'x'),
      fc.constantFrom(10_000, 1_000_000, 17_000_000),
      fc.constantFrom('x', 'é', '\\u0000'),
    )
    .map(([name, times, unit]) => ({ prefix: `{"${name}":"`, unit, times, suffix: '"}' }));

/** Replaces, drops or nulls one top-level field of a generated value, or wraps it in an array. */
export const mutated = (valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> =>
  fc.tuple(valid, fc.jsonValue({ maxDepth: 2 }), fc.nat(), fc.nat(3)).map(([value, garbage, pick, how]) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || how === 1) return [value];
    const key = Object.keys(value)[pick % Math.max(1, Object.keys(value).length)] ?? 'unexpected';
    const copy: Record<string, unknown> = { ...value };
    if (how === 0) delete copy[key];
    else copy[key] = how === 2 ? garbage : null;
    return copy;
  });

/** Whether a property takes any JSON (`z.unknown()`), so nesting reaches the handler. */
export const isOpen = (schema: JsonSchema): boolean =>
  schema.type === undefined &&
  schema.enum === undefined &&
  schema.const === undefined &&
  schema.oneOf === undefined &&
  schema.anyOf === undefined &&
  schema.$ref === undefined &&
  schema.properties === undefined;

/** Content types the API does not speak, or speaks in an odd spelling. */
export const garbageContentType: fc.Arbitrary<string | null> = fc.constantFrom(
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/json; charset=utf-16',
  'text/plain',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/jsonx',
  'application/vnd.api+json',
  ';',
  '*/*',
  '',
  null,
);

/** Headers beside the credentials: proxies, content negotiation, CORS, correlation, one too large. */
export const garbageHeaders: fc.Arbitrary<Record<string, string>> = fc.oneof(
  headerText(40).map((value) => ({ 'x-forwarded-for': value })),
  headerText(40).map((value) => ({ forwarded: `for=${value}` })),
  fc.constantFrom('text/html', '*/*', 'application/xml', '').map((accept) => ({ accept })),
  fc.constantFrom('http://evil.test', 'null', '').map((origin) => ({ origin })),
  headerText(40).map((value) => ({ 'x-request': value })),
  fc.constant({ 'x-huge': 'h'.repeat(20_000) }),
);
