import { createHash, randomBytes } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { TempoClient, type TenantClient } from '@tempo/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServerProcess, TEST_ADMIN_API_KEY } from './server-process.ts';

// Issue 11: "secrets never appear in logs, request history, run logs or API answers". Every kind
// of secret the platform holds is created and used here, then searched for in every file under
// the data folder and every answer of every read route the server serves. The only place one may
// appear is the single answer that hands a new key or token out.

const unique = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

const REST_BEARER = unique('rest-bearer');
const REST_BASIC_USER = 'rest-user';
const REST_BASIC_PASSWORD = unique('rest-basic-password');
const REST_BASIC = Buffer.from(`${REST_BASIC_USER}:${REST_BASIC_PASSWORD}`).toString('base64');
const REST_HEADER_SECRET = unique('rest-header-secret');
const PASSWORD_AT_CREATION = unique('password-at-creation');
const PASSWORD_AFTER_CHANGE = unique('password-after-change');
const PASSWORD_GUESS = unique('password-guess');
const TRIGGER_BEARER = unique('trigger-bearer');
const TRIGGER_API_KEY = unique('trigger-api-key');
const TRIGGER_QUERY_TOKEN = unique('trigger-query-token');
const TRIGGER_COOKIE = unique('trigger-cookie');
// Secrets of the server itself, given in its settings file.
const SECRETS_KEY = unique('secrets-key');
const DATABASE_PASSWORD = unique('database-password');
const SEEDED_ADMIN_PASSWORD = unique('seeded-admin-password');
const SEEDED_USER_PASSWORD = unique('seeded-user-password');

/** Every file under a folder, as `path` → bytes; links are not followed. */
const filesUnder = (root: string): Map<string, Buffer> => {
  const found = new Map<string, Buffer>();
  const walk = (path: string) => {
    const stats = lstatSync(path);
    if (stats.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
    else if (stats.isFile()) found.set(path, readFileSync(path));
  };
  walk(root);
  return found;
};

/**
 * A REST target that answers 200 only to calls carrying the secret the step at that path stores:
 * a run succeeds only when every stored secret was sent where it belongs.
 */
const startTarget = async (): Promise<{ server: Server; url: string }> => {
  const server = createServer((request, response) => {
    request.resume();
    const authorized =
      request.url === '/bearer'
        ? request.headers.authorization === `Bearer ${REST_BEARER}` &&
          request.headers['x-api-key'] === REST_HEADER_SECRET
        : request.headers.authorization === `Basic ${REST_BASIC}`;
    response.writeHead(authorized ? 200 : 401, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ authorized }));
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const address = server.address();
  return { server, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` };
};

/** One request with exactly these headers; the answer as text, so nothing is lost to parsing. */
const call = async (
  server: ServerProcess,
  method: string,
  path: string,
  headers: Readonly<Record<string, string>> = {},
  body?: unknown,
): Promise<{ status: number; text: string }> => {
  const response = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const answerHeaders = JSON.stringify(Object.fromEntries(response.headers));
  return { status: response.status, text: `${answerHeaders}\n${await response.text()}` };
};

const ADMIN = { 'x-api-key': TEST_ADMIN_API_KEY };

/** The body of a {@link call} answer, without the headers line. */
const bodyOf = (text: string) => text.slice(text.indexOf('\n') + 1);

/** Routes the crawl does not read: they start runs or open a WebSocket instead of answering data. */
const NOT_READ = new Set(['/v1.0/triggers/http/{triggerId}', '/v1.0/workers/connect']);

/** The items a list answer holds: the answer itself when it is an array, else its first array. */
const itemsOf = (text: string): unknown[] => {
  try {
    const parsed: unknown = JSON.parse(bodyOf(text));
    if (Array.isArray(parsed)) return parsed;
    if (typeof parsed !== 'object' || parsed === null) return [];
    return Object.values(parsed).find((value): value is unknown[] => Array.isArray(value)) ?? [];
  } catch {
    return [];
  }
};

/** The values a list answer's items hold under `field`, else under `id`. */
const valuesIn = (text: string, field: string): string[] =>
  itemsOf(text).flatMap((item) => {
    if (typeof item !== 'object' || item === null) return [];
    const record = item as Record<string, unknown>;
    const value = record[field] ?? record.id;
    return typeof value === 'string' ? [value] : [];
  });

/** Query values the crawl gives every route that needs them: the server's own log source. */
const FIXED_QUERY: Readonly<Record<string, string>> = { sourceKind: 'server', sourceId: 'server' };

interface OpenApiParameter {
  readonly in: string;
  readonly name: string;
  readonly required?: boolean;
}

/**
 * Reads every GET route of the served OpenAPI document as a global administrator. A path
 * parameter takes each value the list route before it names (`/runs/{id}`: every id of `/runs`),
 * and a required query parameter each value of that field in the route one level up
 * (`/logs/content?path=`: every `path` of `/logs`), so routes added later (request history, run
 * logs, the log viewer, settings) are read without a change here.
 */
const crawl = async (server: ServerProcess, tenantId: string): Promise<Map<string, string>> => {
  const document = JSON.parse(bodyOf((await call(server, 'GET', '/openapi.json')).text)) as {
    paths: Record<string, { get?: { parameters?: OpenApiParameter[] } }>;
  };
  const answers = new Map<string, string>();
  const read = async (path: string) => {
    const known = answers.get(path);
    if (known !== undefined) return known;
    const { status, text } = await call(server, 'GET', path, ADMIN);
    answers.set(path, status === 200 ? text : `${status}\n${text}`);
    return status === 200 ? text : '';
  };
  const expand = async (template: string): Promise<string[]> => {
    const match = /\{([^}]+)\}/.exec(template);
    if (!match) return [template];
    const [placeholder, name = ''] = match;
    const values = [];
    if (name === 'tenantId') values.push(tenantId);
    else
      for (const list of await expand(template.slice(0, match.index).replace(/\/$/, '')))
        values.push(...valuesIn(await read(`${list}?pageSize=1000`), name));
    const results: string[] = [];
    for (const value of new Set(values))
      results.push(...(await expand(template.replace(placeholder, encodeURIComponent(value)))));
    return results;
  };
  const withQuery = async (path: string, required: readonly string[]): Promise<string[]> => {
    const fixed = new URLSearchParams(
      required.flatMap((name): [string, string][] => {
        const value = FIXED_QUERY[name];
        return value ? [[name, value]] : [];
      }),
    );
    const open = required.filter((name) => !FIXED_QUERY[name]);
    if (open.length === 0) return [fixed.size > 0 ? `${path}?${fixed}` : path];
    const [name = ''] = open;
    const parent = path.slice(0, path.lastIndexOf('/'));
    const listed = valuesIn(await read(fixed.size > 0 ? `${parent}?${fixed}` : parent), name);
    // Without values to give, the route is still read, so a refusal is searched as well.
    if (open.length > 1 || listed.length === 0) return [path];
    return listed.map((value) => `${path}?${new URLSearchParams([...fixed, [name, value]])}`);
  };
  for (const [template, operations] of Object.entries(document.paths)) {
    if (!operations.get || NOT_READ.has(template)) continue;
    const required = (operations.get.parameters ?? [])
      .filter((parameter) => parameter.in === 'query' && parameter.required)
      .map((parameter) => parameter.name);
    for (const path of await expand(template))
      for (const withValues of await withQuery(path, required)) await read(withValues);
  }
  return answers;
};

describe('secrets never leak (issue 11)', () => {
  let target: { server: Server; url: string };
  let server: ServerProcess;
  let admin: TempoClient;
  let t: TenantClient;
  /** Each secret by what it is. */
  const secrets = new Map<string, string>([
    ['REST bearer token', REST_BEARER],
    ['REST basic password', REST_BASIC_PASSWORD],
    ['REST basic credentials as sent', REST_BASIC],
    ['REST header secret', REST_HEADER_SECRET],
    ['password at creation', PASSWORD_AT_CREATION],
    ['SHA-256 of the password at creation', sha256(PASSWORD_AT_CREATION)],
    ['password after change', PASSWORD_AFTER_CHANGE],
    ['SHA-256 of the password after change', sha256(PASSWORD_AFTER_CHANGE)],
    ['wrong password tried', PASSWORD_GUESS],
    ['admin API key', TEST_ADMIN_API_KEY],
    ['bearer sent to a trigger', TRIGGER_BEARER],
    ['x-api-key sent to a trigger', TRIGGER_API_KEY],
    ['token in a trigger URL', TRIGGER_QUERY_TOKEN],
    ['cookie sent to a trigger', TRIGGER_COOKIE],
    ['secrets key', SECRETS_KEY],
    ['database password', DATABASE_PASSWORD],
    ['seeded administrator password', SEEDED_ADMIN_PASSWORD],
    ['SHA-256 of the seeded administrator password', sha256(SEEDED_ADMIN_PASSWORD)],
    ['seeded user password', SEEDED_USER_PASSWORD],
  ]);
  /** Secrets the settings file holds by design: they may be found there and nowhere else. */
  const settingsSecrets = new Set([
    'admin API key',
    'signing key',
    'credential hash key',
    'secrets key',
    'database password',
    'seeded administrator password',
    'seeded user password',
  ]);
  /** The answers that hand a new secret out, each allowed to show its own secret once. */
  const handedOut: string[] = [];

  beforeAll(async () => {
    target = await startTarget();
    server = await startServerProcess({
      secrets: { key: SECRETS_KEY },
      database: { password: DATABASE_PASSWORD },
      hydration: {
        defaultAdminPassword: SEEDED_ADMIN_PASSWORD,
        defaultUserPassword: SEEDED_USER_PASSWORD,
      },
    });
    const { auth } = JSON.parse(readFileSync(join(server.dataDir, 'tempo.json'), 'utf8')) as {
      auth: { signingKey: string; credentialHashKey: string };
    };
    secrets.set('signing key', auth.signingKey);
    secrets.set('credential hash key', auth.credentialHashKey);
    admin = new TempoClient({ baseUrl: server.baseUrl, credentials: { apiKey: TEST_ADMIN_API_KEY } });
    t = admin.tenant((await admin.tenants.list()).items[0]?.id ?? '');
  });

  afterAll(async () => {
    await server?.stop();
    target?.server.close();
  });

  it('creates and uses every kind of secret, then finds none in any file or read answer', async () => {
    const tenantPath = `/v1.0/tenants/${t.tenantId}`;

    // A user, its password set at creation and changed, signed in both ways, and one wrong guess.
    const user = await t.users.create({ email: 'leak@example.test', passwordSha256: PASSWORD_AT_CREATION });
    const operator = (await t.roles.list({ pageSize: 100 })).items.find((role) => role.name === 'Operator');
    await t.userRoleMaps.create({ userId: user.id, roleId: operator?.id ?? '' });
    const signIn = (password: string) =>
      call(server, 'POST', '/v1.0/token', {}, { email: 'leak@example.test', password });
    expect((await signIn(PASSWORD_AT_CREATION)).status).toBe(200);
    expect((await signIn(PASSWORD_GUESS)).status).toBe(401);
    const guessedByHeaders = await call(server, 'GET', `${tenantPath}/triggers`, {
      'x-email': 'leak@example.test',
      'x-password': PASSWORD_GUESS,
    });
    expect(guessedByHeaders.status).toBe(401);
    expect((await signIn(SEEDED_ADMIN_PASSWORD)).status).toBe(401);
    expect(
      (
        await call(
          server,
          'POST',
          '/v1.0/token',
          {},
          { email: 'admin@tempo.local', password: SEEDED_ADMIN_PASSWORD },
        )
      ).status,
    ).toBe(200);
    await t.users.update(user.id, { passwordSha256: PASSWORD_AFTER_CHANGE });
    const issued = await signIn(sha256(PASSWORD_AFTER_CHANGE));
    expect(issued.status).toBe(200);
    handedOut.push(issued.text);
    const token = (JSON.parse(bodyOf(issued.text)) as { token: string }).token;
    secrets.set('bearer token of the user', token);
    const viaHeaders = await call(server, 'GET', `${tenantPath}/triggers`, {
      'x-email': 'leak@example.test',
      'x-password': PASSWORD_AFTER_CHANGE,
    });
    expect(viaHeaders.status).toBe(200);
    expect(
      (await call(server, 'GET', `${tenantPath}/triggers`, { authorization: `Bearer ${token}` })).status,
    ).toBe(200);

    // A credential: its keys are shown once; the access key signs in, the secret key is refused.
    const created = await call(server, 'POST', `${tenantPath}/credentials`, ADMIN, {
      userId: user.id,
      name: 'leak key',
    });
    expect(created.status).toBe(201);
    handedOut.push(created.text);
    const keys = JSON.parse(bodyOf(created.text)) as {
      accessKey: string;
      secretKey: string;
    };
    secrets.set('credential access key', keys.accessKey);
    secrets.set('credential secret key', keys.secretKey);
    expect(
      (await call(server, 'GET', `${tenantPath}/triggers`, { 'x-access-key': keys.accessKey })).status,
    ).toBe(200);
    expect(
      (await call(server, 'GET', `${tenantPath}/triggers`, { 'x-secret-key': keys.secretKey })).status,
    ).toBe(400);

    // A worker token, where this build has the worker routes.
    const document = JSON.parse(bodyOf((await call(server, 'GET', '/openapi.json')).text));
    if ('/v1.0/workers/{id}/rotate-token' in document.paths) {
      const rotated = await call(server, 'POST', '/v1.0/workers/leak-worker/rotate-token', ADMIN);
      expect(rotated.status).toBe(200);
      handedOut.push(rotated.text);
      const workerToken = (JSON.parse(bodyOf(rotated.text)) as { token: string }).token;
      secrets.set('worker token', workerToken);
      await call(server, 'GET', '/v1.0/workers/connect', {
        'x-worker-id': 'leak-worker',
        'x-worker-token': workerToken,
      });
    }

    // Two REST steps carrying a bearer token and a header secret, and basic credentials.
    await t.steps.create({
      executionKey: 'leak.bearer',
      name: 'leak.bearer',
      runtimeKey: 'External.Rest',
      runtimeConfig: {
        runtimeKey: 'External.Rest',
        method: 'POST',
        url: `${target.url}/bearer`,
        headers: { Authorization: `Bearer ${REST_BEARER}`, 'X-Api-Key': REST_HEADER_SECRET },
        timeoutMs: 5000,
      },
    });
    await t.steps.create({
      executionKey: 'leak.basic',
      name: 'leak.basic',
      runtimeKey: 'External.Rest',
      runtimeConfig: {
        runtimeKey: 'External.Rest',
        method: 'GET',
        url: `${target.url}/basic`,
        headers: { Authorization: `Basic ${REST_BASIC}` },
        timeoutMs: 5000,
      },
    });
    const flow = await t.flows.create({
      name: 'leak',
      startStepId: 'leak.bearer',
      transitions: { 'leak.bearer': { onSuccess: 'leak.basic' }, 'leak.basic': {} },
    });
    const trigger = await t.triggers.create({ name: 'leak', dataFlowId: flow.id });
    const closedFlow = await t.flows.create({
      name: 'leak closed',
      startStepId: 'leak.bearer',
      transitions: { 'leak.bearer': { onSuccess: 'leak.basic' }, 'leak.basic': {} },
      invocationAuthMode: 'ApiAuthenticated',
    });
    const closedTrigger = await t.triggers.create({ name: 'leak closed', dataFlowId: closedFlow.id });
    // Failures carry the secrets too: a target that refuses the call, then one nobody listens on.
    for (const [key, url] of [
      ['leak.refused', `${target.url}/refuse`],
      ['leak.unreachable', 'http://127.0.0.1:1/closed'],
    ] as const)
      await t.steps.create({
        executionKey: key,
        name: key,
        runtimeKey: 'External.Rest',
        runtimeConfig: {
          runtimeKey: 'External.Rest',
          method: 'GET',
          url,
          headers: { Authorization: `Bearer ${REST_BEARER}`, 'X-Api-Key': REST_HEADER_SECRET },
          timeoutMs: 5000,
        },
      });
    const failingFlow = await t.flows.create({
      name: 'leak failing',
      startStepId: 'leak.refused',
      transitions: { 'leak.refused': { onFailure: 'leak.unreachable' }, 'leak.unreachable': {} },
    });
    const failingTrigger = await t.triggers.create({ name: 'leak failing', dataFlowId: failingFlow.id });

    // Trigger calls carrying credentials: the admin key and the user's token where the flow asks
    // for them, and made-up ones on the public flow.
    const fired = [
      await call(server, 'POST', `/v1.0/triggers/http/${closedTrigger.id}`, ADMIN, { n: 1 }),
      await call(
        server,
        'POST',
        `/v1.0/triggers/http/${closedTrigger.id}`,
        { authorization: `Bearer ${token}` },
        {},
      ),
      await call(
        server,
        'POST',
        `/v1.0/triggers/http/${trigger.id}`,
        { authorization: `Bearer ${TRIGGER_BEARER}` },
        {},
      ),
      await call(server, 'POST', `/v1.0/triggers/http/${trigger.id}`, { 'x-api-key': TRIGGER_API_KEY }, {}),
      await call(server, 'POST', `/v1.0/triggers/http/${trigger.id}`, {}, { n: 2 }),
      // Every other way a caller may carry a credential, each on a call that is recorded.
      await call(server, 'POST', `/v1.0/triggers/http/${closedTrigger.id}`, { 'x-token': token }, {}),
      await call(
        server,
        'POST',
        `/v1.0/triggers/http/${closedTrigger.id}`,
        { 'x-access-key': keys.accessKey },
        {},
      ),
      await call(
        server,
        'POST',
        `/v1.0/triggers/http/${closedTrigger.id}`,
        { 'x-email': 'leak@example.test', 'x-password': PASSWORD_AFTER_CHANGE },
        {},
      ),
      await call(
        server,
        'POST',
        `/v1.0/triggers/http/${closedTrigger.id}`,
        { 'x-secret-key': keys.secretKey },
        {},
      ),
      await call(
        server,
        'POST',
        `/v1.0/triggers/http/${trigger.id}?access_token=${TRIGGER_QUERY_TOKEN}`,
        {},
        {},
      ),
      await call(
        server,
        'POST',
        `/v1.0/triggers/http/${trigger.id}`,
        { cookie: `session=${TRIGGER_COOKIE}` },
        {},
      ),
      await call(server, 'POST', `/v1.0/triggers/http/${failingTrigger.id}`, {}, {}),
    ];
    expect(fired.map((answer) => answer.status).slice(0, 2)).toEqual([200, 200]);
    expect(fired[4]?.status).toBe(200);
    expect(fired.slice(5, 8).map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect(fired[8]?.status).toBe(400);
    // The last call's step was refused by its target and its fallback found nobody listening.
    expect(fired.at(-1)?.text).toMatch(/"x-run-state":"(Failed|Exception)"/);
    // Each answered run went through both REST steps, so every stored secret reached the target.
    for (const answer of [fired[0], fired[1], fired[4], fired[5], fired[6], fired[7]])
      expect(answer?.text).toMatch(/"x-run-state":"Succeeded"/);

    // Request history and logs are written after the answer.
    await pause(1_500);
    const answers = await crawl(server, t.tenantId);
    expect([...answers.keys()].some((path) => path.includes('/runs/'))).toBe(true);
    await pause(500);
    const files = filesUnder(server.dataDir);
    expect([...files.keys()].some((path) => path.endsWith('tempo.db'))).toBe(true);

    const found: string[] = [];
    for (const [what, secret] of secrets) {
      const bytes = Buffer.from(secret);
      for (const [path, content] of files) {
        // The settings file holds the server's own secrets by design (they are configured there).
        if (settingsSecrets.has(what) && path === join(server.dataDir, 'tempo.json')) continue;
        if (content.includes(bytes)) found.push(`${what} in ${path.slice(server.dataDir.length + 1)}`);
      }
      for (const [path, text] of answers) if (text.includes(secret)) found.push(`${what} in GET ${path}`);
      if (server.output().includes(secret)) found.push(`${what} in the server's output`);
      for (const [index, answer] of fired.entries())
        if (answer.text.includes(secret)) found.push(`${what} in trigger answer ${index}`);
    }
    expect(found).toEqual([]);
    // The secrets were there to find: each hand-out answer shows its own.
    expect(handedOut.join('\n')).toContain(token);
    expect(handedOut.join('\n')).toContain(keys.secretKey);
  }, 120_000);
});
