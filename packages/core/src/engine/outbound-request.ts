import type { IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { nodeHttp } from './node-http.ts';
import { type OutboundBody, readBoundedBody } from './outbound-body.ts';
import { crossOriginHeaders } from './outbound-headers.ts';
import type { OutboundPolicy, PinnedTarget } from './outbound-policy.ts';
import { describeUrl, urlCredentialsProblem } from './outbound-text.ts';

/** One outbound call as a REST step makes it. */
export interface OutboundCall {
  readonly url: URL;
  readonly method: string;
  /** Header names lower-cased. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** Limits of {@link sendOutbound}. */
export interface OutboundLimits {
  readonly policy: OutboundPolicy;
  /** Largest decoded response body in bytes. */
  readonly maxResponseBytes: number;
  /** Redirects followed; 0 answers a 3xx as it is. */
  readonly maxRedirects: number;
  readonly signal: AbortSignal;
}

/** The final response of a call, its body read within the cap. */
export interface OutboundResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: OutboundBody;
}

/** What a call came to: a response, or a refusal whose message names no secret. */
export type OutboundOutcome =
  | { readonly kind: 'response'; readonly response: OutboundResponse }
  | { readonly kind: 'refused'; readonly message: string };

const REDIRECTS: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

const flatHeaders = (message: IncomingMessage): Record<string, string> => {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
};

/**
 * Sends one request to the checked address: the socket goes to `target.address` (never a fresh
 * DNS answer), while `Host` and the TLS server name keep the URL's name so virtual hosts and
 * certificates still match.
 */
const sendOnce = (call: OutboundCall, target: PinnedTarget, signal: AbortSignal): Promise<IncomingMessage> =>
  new Promise((resolve, reject) => {
    const secure = call.url.protocol === 'https:';
    const send = secure ? httpsRequest : nodeHttp.request;
    const request = send({
      host: target.address,
      family: target.family,
      port: call.url.port === '' ? (secure ? 443 : 80) : Number(call.url.port),
      path: `${call.url.pathname}${call.url.search}`,
      method: call.method,
      headers: {
        ...call.headers,
        host: call.url.host,
        ...(call.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(call.body)) }),
      },
      ...(secure && isIP(target.hostname) === 0 ? { servername: target.hostname } : {}),
      signal,
    });
    request.on('response', resolve);
    request.on('error', reject);
    request.end(call.body);
  });

/** The call a redirect leads to, as fetch's rules shape it, or why it is not followed. */
const redirectedCall = (
  call: OutboundCall,
  status: number,
  location: string | undefined,
): { readonly problem: string } | { readonly call: OutboundCall } => {
  if (!location) return { problem: `The target answered ${status} without a Location header.` };
  let next: URL;
  try {
    next = new URL(location, call.url);
  } catch {
    return { problem: `The target answered ${status} with a Location that is not a URL.` };
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:')
    return { problem: `The target redirected to a ${next.protocol} URL; only http and https are followed.` };
  if (urlCredentialsProblem(next.href) !== null)
    return { problem: 'The target redirected to a URL that includes credentials; it was not followed.' };
  // 303, and 301/302 after a POST, turn into a GET without a body (as browsers and fetch do).
  const toGet = status === 303 || ((status === 301 || status === 302) && call.method === 'POST');
  let headers: Record<string, string> = { ...call.headers };
  if (toGet) delete headers['content-type'];
  if (next.origin !== call.url.origin) headers = crossOriginHeaders(headers);
  return {
    call: {
      url: next,
      method: toGet && call.method !== 'HEAD' ? 'GET' : call.method,
      headers,
      ...(toGet || call.body === undefined ? {} : { body: call.body }),
    },
  };
};

/**
 * Makes a REST step's call: every hop's target checked by the outbound policy before it is
 * connected to, redirects followed by hand up to the limit (each new target checked again, and
 * credentials dropped when the origin changes), the final body read within the byte cap.
 * Transport failures reject; the caller turns them into a step result.
 */
export const sendOutbound = async (first: OutboundCall, limits: OutboundLimits): Promise<OutboundOutcome> => {
  let call = first;
  for (let redirects = 0; ; redirects++) {
    const decision = await limits.policy(call.url);
    if (decision.kind === 'denied') return { kind: 'refused', message: decision.message };
    limits.signal.throwIfAborted();
    const response = await sendOnce(call, decision.target, limits.signal);
    const status = response.statusCode ?? 0;
    if (REDIRECTS.has(status) && limits.maxRedirects > 0) {
      response.destroy();
      if (redirects >= limits.maxRedirects)
        return {
          kind: 'refused',
          message: `Stopped after ${limits.maxRedirects} redirects, the most runtimes.outboundRest.maxRedirects allows (last from ${describeUrl(call.url)}).`,
        };
      const next = redirectedCall(call, status, response.headers.location);
      if ('problem' in next) return { kind: 'refused', message: next.problem };
      call = next.call;
      continue;
    }
    const abort = () =>
      response.destroy(limits.signal.reason instanceof Error ? limits.signal.reason : undefined);
    limits.signal.addEventListener('abort', abort, { once: true });
    try {
      const body = await readBoundedBody(
        response,
        response.headers['content-encoding'],
        limits.maxResponseBytes,
      );
      return { kind: 'response', response: { status, headers: flatHeaders(response), body } };
    } finally {
      limits.signal.removeEventListener('abort', abort);
    }
  }
};
