import type { RestStepConfiguration } from '@tempo/contracts';
import type { ProviderOutcome, RuntimeProvider, StepInvocation } from './runtime-provider.ts';

const METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'PATCH']);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const stringMap = (value: unknown): Record<string, string> =>
  isRecord(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)])) : {};

/**
 * Headers that describe one connection or message, not the call: a step's input often is the
 * previous REST step's output, whose `Headers` are response headers, and forwarding these would
 * break the next request (undici refuses them).
 */
const CONNECTION_HEADERS = new Set([
  'connection',
  'keep-alive',
  'content-length',
  'transfer-encoding',
  'host',
  'upgrade',
  'te',
  'trailer',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
]);

const forwardable = (headers: Record<string, string>) =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !CONNECTION_HEADERS.has(name.toLowerCase())));

/**
 * The request a REST step sends: the configured call, with the spec's input mapping from an
 * object `data` — `Body` (text), `UrlParams` (fills `{name}` tokens, URL-escaped) and `Headers`
 * (merged over the configured ones, connection headers left out).
 */
export const restRequestOf = (config: RestStepConfiguration, data: unknown) => {
  const input = isRecord(data) ? data : {};
  let url = config.url;
  for (const [name, value] of Object.entries(stringMap(input.UrlParams))) {
    url = url.replaceAll(`{${name}}`, encodeURIComponent(value));
  }
  const body = typeof input.Body === 'string' && input.Body !== '' ? input.Body : undefined;
  return {
    url,
    method: config.method.toUpperCase(),
    headers: { ...config.headers, ...forwardable(stringMap(input.Headers)) },
    body,
  };
};

/** Runs `External.Rest` (and inline `Legacy.InlineRest`) steps: one HTTP call, status mapped to a result. */
export const restProvider = (runtimeKey: 'External.Rest' | 'Legacy.InlineRest'): RuntimeProvider => ({
  runtimeKey,
  execute: async ({ step, request, signal }: StepInvocation): Promise<ProviderOutcome> => {
    const config = step.runtimeConfig;
    if (!config || (config.runtimeKey !== 'External.Rest' && config.runtimeKey !== 'Legacy.InlineRest')) {
      return {
        result: {
          result: 'Exception',
          errorMessage: `Step "${step.executionKey}" has no REST configuration.`,
        },
      };
    }
    const call = restRequestOf(config, request.data);
    if (!METHODS.has(call.method))
      return { result: { result: 'Exception', errorMessage: `Unsupported HTTP method: ${call.method}` } };
    try {
      const response = await fetch(call.url, {
        method: call.method,
        headers: call.headers,
        ...(call.body === undefined ? {} : { body: call.body }),
        signal,
        redirect: 'manual',
      });
      const bytes = Buffer.from(await response.arrayBuffer());
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        headers[name] = value;
      });
      const data = { StatusCode: response.status, ResponseBody: bytes.toString('base64'), Headers: headers };
      const status = response.status;
      if (status >= 200 && status < 300)
        return { result: { result: 'Success', data, metadata: request.metadata } };
      const text = bytes.length > 0 ? bytes.toString('utf8') : '(no response body)';
      return {
        result: {
          result: status >= 500 ? 'Exception' : 'Error',
          data,
          metadata: request.metadata,
          errorMessage: `HTTP request failed with status ${status}: ${text}`,
        },
      };
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
      return {
        result: {
          result: 'Exception',
          errorMessage: `${error instanceof Error ? error.message : String(error)}${cause}`,
        },
      };
    }
  },
});
