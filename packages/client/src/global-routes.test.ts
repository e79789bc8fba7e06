import * as records from './test-support/records.ts';
import { crudCases, describeRoutes, type RouteCase } from './test-support/route-cases.ts';

const cases: RouteCase[] = [
  {
    name: 'serverInfo',
    call: (c) => c.serverInfo(),
    method: 'GET',
    path: '/',
    answer: { name: 'Tempo Server', version: '1.2.3' },
  },
  {
    name: 'health',
    call: (c) => c.health(),
    method: 'GET',
    path: '/v1.0/api/health',
    answer: { status: 'ok', time: '2026-01-02T03:04:05.678Z' },
  },
  { name: 'me', call: (c) => c.me(), method: 'GET', path: '/v1.0/me', answer: { type: 'anonymous' } },
  {
    name: 'openApiDocument',
    call: (c) => c.openApiDocument(),
    method: 'GET',
    path: '/openapi.json',
    answer: { openapi: '3.1.0', paths: {} },
  },
  {
    name: 'token.issue',
    call: (c) => c.token.issue({ email: 'a@example.test', password: 'pw', tenantId: 'ten_1' }),
    method: 'POST',
    path: '/v1.0/token',
    body: { email: 'a@example.test', password: 'pw', tenantId: 'ten_1' },
    answer: { token: 'tok', expiresUtc: 'later', tenantId: 'ten_1', userId: 'usr_1', administratorId: null },
  },
  {
    name: 'token.check',
    call: (c) => c.token.check(),
    method: 'GET',
    path: '/v1.0/token',
    answer: { valid: false, authenticationResult: 'NotFound' },
  },
  {
    name: 'token.revoke',
    call: (c) => c.token.revoke(),
    method: 'POST',
    path: '/v1.0/token/revoke',
    status: 204,
  },
  {
    name: 'token.details',
    call: (c) => c.token.details(),
    method: 'GET',
    path: '/v1.0/token/details',
    answer: {
      tenantId: null,
      userId: null,
      administratorId: null,
      isAdmin: true,
      isTenantAdmin: false,
      email: null,
      principalName: 'api key',
    },
  },
  ...crudCases('accounts', '/v1.0/accounts', (c) => c.accounts, records.account, {}, { name: 'renamed' }),
  ...crudCases(
    'admins',
    '/v1.0/admins',
    (c) => c.admins,
    records.administrator,
    { email: 'b@example.test', passwordSha256: 'pw' },
    { telephone: '1' },
  ),
  ...crudCases('tenants', '/v1.0/tenants', (c) => c.tenants, records.tenant, { name: 'B' }, { region: 'eu' }),
  {
    name: 'runtimes.list',
    call: (c) => c.runtimes.list(),
    method: 'GET',
    path: '/v1.0/runtimes',
    answer: [records.runtime],
  },
  {
    name: 'runtimes.get',
    call: (c) => c.runtimes.get('Artifact.Python'),
    method: 'GET',
    path: '/v1.0/runtimes/Artifact.Python',
    answer: records.runtime,
  },
  {
    name: 'steps.registered',
    call: (c) => c.steps.registered(),
    method: 'GET',
    path: '/v1.0/steps/registered',
    answer: [records.registeredStep],
  },
];

describeRoutes('every route outside a tenant', cases);
