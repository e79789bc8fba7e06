import type { OutboundRestSettings, RestStepConfiguration } from '@tempo/contracts';
import { assertNever } from '@tempo/contracts';
import type { StepResult } from '../runtimes/step-protocol.ts';
import { headerProblem, mergeRequestHeaders } from './outbound-headers.ts';
import { createOutboundPolicy, type HostResolver } from './outbound-policy.ts';
import { type OutboundResponse, sendOutbound } from './outbound-request.ts';
import { safeErrorText, secretsOfCall, urlCredentialsProblem } from './outbound-text.ts';
import type { ProviderOutcome, RuntimeProvider, StepInvocation } from './runtime-provider.ts';

const METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'PATCH']);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const stringMap = (value: unknown): Record<string, string> =>
  isRecord(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)])) : {};

/**
 * Whether a step's input is a REST step's output (`StatusCode` and `ResponseBody`): its
 * `Headers` are then the headers of that response, which must never reach the next request.
 */
const isRestOutput = (input: Record<string, unknown>) =>
  typeof input.StatusCode === 'number' && 'ResponseBody' in input;

/**
 * The request a REST step sends: the configured call, with the spec's input mapping from an
 * object `data` — `Body` (text), `UrlParams` (fills `{name}` tokens, URL-escaped) and `Headers`
 * (merged with the configured ones without regard to case; configured headers win, and a
 * previous REST step's response headers are never forwarded).
 */
export const restRequestOf = (config: RestStepConfiguration, data: unknown) => {
  const input = isRecord(data) ? data : {};
  let url = config.url;
  for (const [name, value] of Object.entries(stringMap(input.UrlParams))) {
    url = url.replaceAll(`{${name}}`, encodeURIComponent(value));
  }
  const body = typeof input.Body === 'string' && input.Body !== '' ? input.Body : undefined;
  const inputHeaders = isRestOutput(input) ? {} : stringMap(input.Headers);
  return {
    url,
    method: config.method.toUpperCase(),
    headers: mergeRequestHeaders(config.headers, inputHeaders),
    body,
  };
};

/** What a REST provider needs besides the step: the operator's outbound settings. */
export interface RestProviderOptions {
  readonly settings: OutboundRestSettings;
  /** Host name resolution; the system resolver when absent (unit tests pass their own). */
  readonly resolve?: HostResolver;
}

const exception = (errorMessage: string): ProviderOutcome => ({
  result: { result: 'Exception', errorMessage },
});

/** The spec's status mapping: 2xx `Success`, 5xx `Exception`, anything else `Error`. */
const resultOf = (
  response: OutboundResponse,
  bytes: Buffer,
  metadata: unknown,
  errorText: (bytes: Buffer) => string,
): StepResult => {
  const { status, headers } = response;
  const data = { StatusCode: status, ResponseBody: bytes.toString('base64'), Headers: headers };
  if (status >= 200 && status < 300) return { result: 'Success', data, metadata };
  return {
    result: status >= 500 ? 'Exception' : 'Error',
    data,
    metadata,
    errorMessage: `HTTP request failed with status ${status}: ${bytes.length > 0 ? errorText(bytes) : '(no response body)'}`,
  };
};

/**
 * Runs `External.Rest` (and inline `Legacy.InlineRest`) steps: one HTTP call through the
 * outbound policy, its status mapped to a result. Every error text is stripped of header
 * values and URL credentials and cut to a bound before it is stored.
 */
export const restProvider = (
  runtimeKey: 'External.Rest' | 'Legacy.InlineRest',
  options: RestProviderOptions,
): RuntimeProvider => {
  const { settings } = options;
  const policy = createOutboundPolicy({ allowedTargets: settings.allowedTargets }, options.resolve);
  return {
    runtimeKey,
    execute: async ({ step, request, signal }: StepInvocation): Promise<ProviderOutcome> => {
      const config = step.runtimeConfig;
      if (!config || (config.runtimeKey !== 'External.Rest' && config.runtimeKey !== 'Legacy.InlineRest'))
        return exception(`Step "${step.executionKey}" has no REST configuration.`);
      const call = restRequestOf(config, request.data);
      const secrets = secretsOfCall(call.url, call.headers);
      const safe = (text: string) => safeErrorText(text, secrets);
      if (!METHODS.has(call.method)) return exception(safe(`Unsupported HTTP method: ${call.method}`));
      // A step saved before credentials in URLs were refused must not send (or quote) them.
      const credentials = urlCredentialsProblem(call.url);
      if (credentials) return exception(`Step "${step.executionKey}": ${credentials}`);
      let url: URL;
      try {
        url = new URL(call.url);
      } catch {
        return exception(
          `Step "${step.executionKey}" has a URL that is not valid once its parameters are filled in.`,
        );
      }
      const invalidHeader = headerProblem(call.headers);
      if (invalidHeader) return exception(invalidHeader);
      // timeoutMs 0 means the server's default; the engine's signal still carries the flow's limit.
      const timeoutMs = config.timeoutMs > 0 ? config.timeoutMs : settings.defaultTimeoutMs;
      const timeout = AbortSignal.timeout(timeoutMs);
      const combined = AbortSignal.any([signal, timeout]);
      try {
        const outcome = await sendOutbound(
          {
            url,
            method: call.method,
            headers: call.headers,
            ...(call.body === undefined ? {} : { body: call.body }),
          },
          {
            policy,
            maxResponseBytes: settings.maxResponseBytes,
            maxRedirects: settings.maxRedirects,
            signal: combined,
          },
        );
        if (outcome.kind === 'refused') return exception(safe(outcome.message));
        const { response } = outcome;
        const { body } = response;
        const errorText = (bytes: Buffer) =>
          safeErrorText(bytes.toString('utf8'), secrets, settings.maxErrorBodyChars);
        const failedStatus = response.status < 200 || response.status >= 300;
        switch (body.kind) {
          case 'read':
            return { result: resultOf(response, body.bytes, request.metadata, errorText) };
          case 'too-large':
            // A failed status keeps its meaning (4xx routes to onFailure), its body cut at the cap.
            if (failedStatus) return { result: resultOf(response, body.prefix, request.metadata, errorText) };
            return exception(
              `The response of step "${step.executionKey}" (status ${response.status}) is larger than ` +
                `${body.maxBytes} bytes once decoded (runtimes.outboundRest.maxResponseBytes); it was not read.`,
            );
          case 'undecodable':
            return exception(
              safe(`The response body could not be decoded as ${body.encoding}: ${body.message}`),
            );
          default:
            return assertNever(body, 'response body outcome');
        }
      } catch (error) {
        if (timeout.aborted && !signal.aborted)
          return {
            result: {
              result: 'Timeout',
              errorMessage: `Step "${step.executionKey}" exceeded its timeout of ${timeoutMs} ms.`,
            },
          };
        const cause =
          error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
        return exception(safe(`${error instanceof Error ? error.message : String(error)}${cause}`));
      }
    },
  };
};
