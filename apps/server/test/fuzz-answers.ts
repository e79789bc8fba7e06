import { readdirSync, readFileSync } from 'node:fs';
import { type IncomingHttpHeaders, request } from 'node:http';
import { join } from 'node:path';
import type { FuzzRequest } from './fuzz-requests.ts';
import { bodyText } from './fuzz-values.ts';

/** What came back for one request. */
export interface FuzzAnswer {
  /** Null when no HTTP answer arrived. */
  readonly status: number | null;
  readonly headers: IncomingHttpHeaders;
  /** The first {@link KEPT_BYTES} of the body. */
  readonly body: string;
  /** Why no answer arrived: `timeout`, a socket error, or the client refusing to send. */
  readonly failure: 'timeout' | 'connection' | 'unsendable' | null;
  readonly detail: string;
}

const KEPT_BYTES = 256 * 1024;

/**
 * Sends one request over `node:http` rather than `fetch`, which would resolve `%2e%2e` and
 * refuse bodies on GET: the bytes that go out are the generated ones. Each request has a
 * connection of its own: a shared `Agent` hands out sockets the server is closing after another
 * request's 431, and the request on them fails on the client without reaching the server.
 */
export const send = (baseUrl: URL, fuzz: FuzzRequest, timeoutMs: number): Promise<FuzzAnswer> =>
  new Promise((resolveAnswer) => {
    let settled = false;
    const finish = (answer: FuzzAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolveAnswer(answer);
    };
    const none = (failure: FuzzAnswer['failure'], detail: string): FuzzAnswer => ({
      status: null,
      headers: {},
      body: '',
      failure,
      detail,
    });
    const body = fuzz.body === null ? null : Buffer.from(bodyText(fuzz.body));
    let outgoing: ReturnType<typeof request> | undefined;
    const timer = setTimeout(() => {
      finish(none('timeout', `no answer within ${timeoutMs} ms`));
      outgoing?.destroy();
    }, timeoutMs);
    try {
      outgoing = request(
        {
          host: baseUrl.hostname,
          port: baseUrl.port,
          method: fuzz.method,
          path: fuzz.path,
          agent: false,
          headers: { ...fuzz.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
        },
        (incoming) => {
          const chunks: Buffer[] = [];
          let kept = 0;
          incoming.on('data', (chunk: Buffer) => {
            if (kept < KEPT_BYTES) chunks.push(chunk);
            kept += chunk.length;
          });
          incoming.on('end', () =>
            finish({
              status: incoming.statusCode ?? null,
              headers: incoming.headers,
              body: Buffer.concat(chunks).toString('utf8').slice(0, KEPT_BYTES),
              failure: null,
              detail: '',
            }),
          );
          incoming.on('error', (error) => finish(none('connection', error.message)));
        },
      );
    } catch (error) {
      finish(none('unsendable', String(error)));
      return;
    }
    outgoing.on('error', (error) => finish(none('connection', error.message)));
    outgoing.end(body ?? undefined);
  });

/**
 * Whether a 5xx is the answer the spec asks for: an HTTP trigger whose run failed answers 500 with
 * the run's state in `x-run-state` (spec §14.1).
 */
const isFailedRunAnswer = (answer: FuzzAnswer): boolean =>
  answer.status === 500 && ['Failed', 'Exception'].includes(String(answer.headers['x-run-state']));

/** Whether an answer is the one error body: JSON `{ error: string, message: string, details?: string }`. */
const isErrorBody = (answer: FuzzAnswer): boolean => {
  if (!String(answer.headers['content-type']).startsWith('application/json')) return false;
  try {
    const parsed: unknown = JSON.parse(answer.body);
    return (
      typeof parsed === 'object' &&
      parsed !== null &&
      typeof Reflect.get(parsed, 'error') === 'string' &&
      typeof Reflect.get(parsed, 'message') === 'string' &&
      ['string', 'undefined'].includes(typeof Reflect.get(parsed, 'details'))
    );
  } catch {
    return false;
  }
};

/**
 * Uploads a server may refuse before reading them to the end: bodies past a few socket buffers,
 * and requests whose head is past Node's 16 KiB header limit. It answers and closes (RFC 9112
 * §9.6), and the client can see its write fail before it reads the answer.
 */
const LARGE_BODY_BYTES = 64 * 1024;
const HEADER_LIMIT_BYTES = 16 * 1024;
const isLargeUpload = (fuzz: FuzzRequest): boolean =>
  (fuzz.body !== null && bodyText(fuzz.body).length > LARGE_BODY_BYTES) ||
  fuzz.path.length + JSON.stringify(fuzz.headers).length > HEADER_LIMIT_BYTES;

/** What is wrong with an answer, or null when nothing is. */
export const problemOf = (fuzz: FuzzRequest, answer: FuzzAnswer): string | null => {
  if (answer.failure === 'timeout') return 'no answer in time (hang)';
  if (answer.failure === 'unsendable') return `generator produced an unsendable request: ${answer.detail}`;
  if (answer.status === null) return isLargeUpload(fuzz) ? null : `connection failed: ${answer.detail}`;
  if (answer.status >= 500 && !isFailedRunAnswer(answer)) return `HTTP ${answer.status}`;
  if (answer.status >= 400 && answer.status < 500 && !isErrorBody(answer)) {
    return `HTTP ${answer.status} without the { error, message, details? } JSON body`;
  }
  return null;
};

const quote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;
const clip = (text: string, max: number): string =>
  text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;

/** The request as a curl command line, long parts shortened, to replay by hand. */
export const asCurl = (baseUrl: URL, fuzz: FuzzRequest): string => {
  const headers = Object.entries(fuzz.headers).map(
    ([name, value]) => `-H ${quote(clip(`${name}: ${value}`, 120))}`,
  );
  const body =
    fuzz.body === null
      ? []
      : typeof fuzz.body === 'string'
        ? [`--data-binary ${quote(clip(fuzz.body, 300))}`]
        : [
            `--data-binary ${quote(`${clip(fuzz.body.prefix, 60)}<${JSON.stringify(fuzz.body.unit)} × ${fuzz.body.times}>${clip(fuzz.body.suffix, 60)}`)}`,
          ];
  return [
    'curl -sS',
    '-X',
    fuzz.method,
    quote(clip(`${baseUrl.origin}${fuzz.path}`, 300)),
    ...headers,
    ...body,
  ].join(' ');
};

/** The answer in one line. */
export const describeAnswer = (answer: FuzzAnswer): string =>
  answer.status === null
    ? `no answer (${answer.failure}: ${answer.detail})`
    : `HTTP ${answer.status} ${String(answer.headers['content-type'] ?? '(no content-type)')} ${clip(answer.body, 300)}`;

/** What kind of answer it was, to group failures: status and the body's code or error, if any. */
export const signatureOf = (answer: FuzzAnswer): string => {
  if (answer.status === null) return `${answer.failure}: ${answer.detail}`;
  // The kept body may be cut short of valid JSON, so the code is read from the text.
  const code = /"code":"([^"]{1,60})"/.exec(answer.body) ?? /"error":"([^"]{1,60})"/.exec(answer.body);
  return `${answer.status} ${code?.[1] ?? clip(answer.body, 40)}`.trim();
};

/** The server's log lines about an unexpected error, found by the correlation id of its 500. */
export const serverErrorOf = (answer: FuzzAnswer, logDirectory: string): string => {
  const correlationId = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/.exec(answer.body)?.[0];
  if (!correlationId) return '';
  try {
    const lines = readdirSync(logDirectory).flatMap((file) =>
      readFileSync(join(logDirectory, file), 'utf8').split('\n'),
    );
    const line = lines.find((candidate) => candidate.includes(correlationId));
    const error = line ? (JSON.parse(line) as { err?: { stack?: string } }).err : undefined;
    return error?.stack ? `\n    server: ${error.stack.split('\n').slice(0, 4).join('\n      ')}` : '';
  } catch {
    return '';
  }
};
