import { z } from 'zod';
import { requiredText } from './tool-args.ts';
import { defineTool, type TempoTool } from './tool-definition.ts';

/** A `.` or `..` segment, written plainly or percent-encoded (URL parsers treat both alike). */
const isDotSegment = (part: string): boolean => {
  try {
    const decoded = decodeURIComponent(part);
    return decoded === '.' || decoded === '..';
  } catch {
    return true;
  }
};

/**
 * `tempo_request` reaches only the connected server's API: `/` or a `/v1.0/` path, never an
 * absolute URL, a scheme-relative `//host`, a backslash or a dot segment that climbs out of it.
 */
const ApiPath = requiredText('path', 'a Tempo API path such as "/v1.0/tenants".')
  .max(2048)
  .refine(
    (path) => {
      if (path === '/') return true;
      const route = path.split('?')[0] ?? '';
      return route.startsWith('/v1.0/') && !/[\\\s]/.test(route) && !route.split('/').some(isDotSegment);
    },
    { message: 'path must be "/" or start with "/v1.0/" (no absolute URLs, no "." or ".." segments).' },
  )
  .describe('Path on the connected Tempo server, "/" or starting with "/v1.0/"; may carry a ?query.');

/** Health, identity, settings metadata and the generic request tool. */
export const systemTools: readonly TempoTool[] = [
  defineTool({
    name: 'tempo_health',
    description: 'Check that the Tempo server is up: GET /v1.0/api/health. Needs no credentials.',
    input: {},
    readOnly: true,
    call: (_args, tempo) => tempo.call('GET', '/v1.0/api/health'),
  }),
  defineTool({
    name: 'tempo_me',
    description:
      'Who the MCP server is signed in as (GET /v1.0/me): principal type, tenant, roles and whether it is a global administrator. Call this first when a tool answers 401 or 403.',
    input: {},
    readOnly: true,
    call: (_args, tempo) => tempo.call('GET', '/v1.0/me'),
  }),
  defineTool({
    name: 'tempo_settings_meta',
    description:
      'Server settings metadata (GET /v1.0/settings/meta): which settings exist, their defaults and which ones need a restart. Administrators only.',
    input: {},
    readOnly: true,
    call: (_args, tempo) => tempo.call('GET', '/v1.0/settings/meta'),
  }),
  defineTool({
    name: 'tempo_request',
    description:
      'Generic call of any Tempo REST route that no typed tool covers (cancel or delete a run, upload an artifact version, call a GET-only HTTP trigger, read request history). Sends the configured credentials. Only the connected server is reachable: path must be "/" or start with "/v1.0/". Answers with the usual envelope (statusCode, success, contentType, headers, body, text).',
    input: {
      method: z
        .enum(['GET', 'POST', 'PUT', 'DELETE'], { error: 'method must be one of GET, POST, PUT, DELETE.' })
        .describe('HTTP method: GET, POST, PUT or DELETE.'),
      path: ApiPath,
      body: z.unknown().optional().describe('JSON request body for POST and PUT.'),
    },
    readOnly: false,
    call: ({ method, path, body }, tempo) => tempo.call(method, path, { body }),
  }),
];
