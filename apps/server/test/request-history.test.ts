import type { RawResponse, TempoClient } from '@tempo/client';
import type { RequestHistoryRecord, RequestHistorySummary } from '@tempo/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, createBuiltinTrigger, startApiFixture } from './api-fixture.ts';

const HISTORY = '/v1.0/api/request-history';

let f: ApiFixture;

beforeAll(async () => {
  f = await startApiFixture();
}, 120_000);

afterAll(async () => {
  await f?.stop();
});

/** Entries as the list answers them (null fields are left out on the wire). */
type Entry = Partial<RequestHistoryRecord> & Pick<RequestHistoryRecord, 'id'>;
interface EntryPage {
  readonly totalCount: number;
  readonly items: readonly Entry[];
}

const get = async (client: TempoClient, path: string, query: Record<string, string> = {}) =>
  client.raw('GET', path, { query });

const ok = <T>(answer: RawResponse, status = 200): T => {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  return answer.body as T;
};

const errorCode = (answer: RawResponse): unknown => (answer.body as { error?: unknown } | null)?.error;

/** Request history is written once the answer has gone: waits until `count` entries match. */
const entriesOf = async (
  client: TempoClient,
  query: Record<string, string>,
  count: number,
): Promise<readonly Entry[]> => {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const page = ok<EntryPage>(await get(client, HISTORY, { pageSize: '100', ...query }));
    if (page.items.length >= count) return page.items;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`fewer than ${count} request history entries for ${JSON.stringify(query)}`);
};

/** A Public one-step flow's trigger in `tenantId`, with a key nobody else uses. */
const publicTrigger = async (tenantId: string, key: string) =>
  (await createBuiltinTrigger(f.admin.tenant(tenantId), `${key}.${Date.now()}`)).trigger;

/** An ApiAuthenticated one-step flow's trigger: its callers are recorded with their user id. */
const authenticatedTrigger = async (tenantId: string, key: string) => {
  const { flow, trigger } = await createBuiltinTrigger(f.admin.tenant(tenantId), `${key}.${Date.now()}`);
  await f.admin.tenant(tenantId).flows.update(flow.id, { invocationAuthMode: 'ApiAuthenticated' });
  return trigger;
};

const fire = (client: TempoClient, triggerId: string, body: unknown = { hello: 'history' }) =>
  client.raw('POST', `/v1.0/triggers/http/${triggerId}`, { body });

describe('request history recording', () => {
  it('masks credentials in headers and the query, and keeps a big body cut to the limit with its true size', async () => {
    const trigger = await publicTrigger(f.tenantA, 'history.masked');
    const body = JSON.stringify({ pad: 'é'.repeat(60_000) });
    const bodyBytes = Buffer.byteLength(body);
    expect(bodyBytes).toBeGreaterThan(65_536);
    const answer = await f.anonymous.raw(
      'POST',
      `/v1.0/triggers/http/${trigger.id}?note=kept&access_token=query-secret-value`,
      {
        rawBody: body,
        headers: {
          Authorization: 'Bearer x',
          'x-api-key': 'header-secret-api-key',
          'x-custom-session-token': 'header-secret-session',
          'x-trace-note': 'visible-note',
        },
      },
    );
    expect(answer.status).toBe(200);
    const [entry] = await entriesOf(f.admin, { pathContains: trigger.id }, 1);
    expect(entry).toMatchObject({
      tenantId: f.tenantA,
      method: 'POST',
      path: `/v1.0/triggers/http/${trigger.id}`,
      statusCode: 200,
      sourceIp: '127.0.0.1',
      requestBodyBytes: bodyBytes,
      requestBodyTruncated: true,
      responseBodyTruncated: false,
      responseBody: '{"sample":"builtin-method"}',
    });
    expect(entry?.requestHeaders).toMatchObject({
      authorization: '****',
      'x-api-key': '****',
      'x-custom-session-token': '****',
      'x-trace-note': 'visible-note',
    });
    expect(entry?.url).toBe(`/v1.0/triggers/http/${trigger.id}?note=kept&access_token=****`);
    expect(Buffer.byteLength(entry?.requestBody ?? '')).toBeLessThanOrEqual(65_536);
    expect(Buffer.byteLength(entry?.requestBody ?? '')).toBeGreaterThan(65_530);
    expect(entry?.durationMs).toBeGreaterThan(0);
    expect(Date.parse(entry?.completedUtc ?? '')).toBeGreaterThanOrEqual(Date.parse(entry?.createdUtc ?? ''));
    const read = ok<Entry>(await get(f.admin, `${HISTORY}/${entry?.id}`));
    expect(read).toEqual(entry);
    const served = JSON.stringify(read);
    for (const secret of ['header-secret-api-key', 'header-secret-session', 'query-secret-value', 'Bearer x'])
      expect(served).not.toContain(secret);
  });

  it('refuses callers without credentials and bad filters', async () => {
    expect((await get(f.anonymous, HISTORY)).status).toBe(401);
    const badStatus = await get(f.admin, HISTORY, { statusCode: 'abc' });
    expect([badStatus.status, errorCode(badStatus)]).toEqual([400, 'BadRequest']);
    const badTime = await get(f.admin, HISTORY, { fromUtc: 'yesterday' });
    expect([badTime.status, errorCode(badTime)]).toEqual([400, 'BadRequest']);
    const unknown = await get(f.admin, `${HISTORY}/req_unknown`);
    expect([unknown.status, errorCode(unknown)]).toEqual([404, 'NotFound']);
  });
});

describe('request history summary', () => {
  it('lists every bucket, empty ones included, and its counts add up to the totals', async () => {
    const trigger = await publicTrigger(f.tenantA, 'history.summary');
    const started = Date.now();
    for (let i = 0; i < 3; i += 1) expect((await fire(f.anonymous, trigger.id)).status).toBe(200);
    // A body that says it is JSON and is not: 400, a failure in the summary.
    for (let i = 0; i < 2; i += 1) {
      const refused = await f.anonymous.raw('POST', `/v1.0/triggers/http/${trigger.id}`, {
        rawBody: '{"cut',
      });
      expect(refused.status).toBe(400);
    }
    await entriesOf(f.admin, { pathContains: trigger.id }, 5);
    const fromUtc = new Date(started - 30 * 60_000).toISOString();
    const toUtc = new Date(started + 30 * 60_000).toISOString();
    const summary = ok<RequestHistorySummary>(
      await get(f.admin, `${HISTORY}/summary`, {
        pathContains: trigger.id,
        fromUtc,
        toUtc,
        bucketMinutes: '15',
      }),
    );
    expect(summary).toMatchObject({ totalCount: 5, totalSuccess: 3, totalFailure: 2, fromUtc, toUtc });
    expect(summary.buckets).toHaveLength(4);
    expect(summary.buckets[0]?.bucketStartUtc).toBe(fromUtc);
    expect(summary.buckets.at(-1)?.bucketEndUtc).toBe(toUtc);
    summary.buckets.slice(1).forEach((bucket, i) => {
      expect(bucket.bucketStartUtc).toBe(summary.buckets[i]?.bucketEndUtc);
    });
    const sum = (pick: (b: RequestHistorySummary['buckets'][number]) => number) =>
      summary.buckets.reduce((total, bucket) => total + pick(bucket), 0);
    expect(sum((b) => b.successCount)).toBe(summary.totalSuccess);
    expect(sum((b) => b.failureCount)).toBe(summary.totalFailure);
    const empty = summary.buckets.filter((b) => b.successCount + b.failureCount === 0);
    expect(empty.length).toBeGreaterThanOrEqual(2);
    expect(empty.every((b) => b.averageDurationMs === 0)).toBe(true);
    const weighted = sum((b) => b.averageDurationMs * (b.successCount + b.failureCount)) / summary.totalCount;
    expect(Math.abs(weighted - summary.averageDurationMs)).toBeLessThan(0.05);
    expect(summary.averageDurationMs).toBeGreaterThan(0);
  });

  it('defaults to the last 24 hours in 15-minute buckets and caps the number of buckets', async () => {
    const summary = ok<RequestHistorySummary>(await get(f.admin, `${HISTORY}/summary`));
    expect(summary.bucketMinutes).toBe(15);
    expect(summary.buckets).toHaveLength(96);
    expect(Date.parse(summary.toUtc) - Date.parse(summary.fromUtc)).toBe(24 * 60 * 60_000);
    expect(Math.abs(Date.parse(summary.toUtc) - Date.now())).toBeLessThan(60_000);
    const tooMany = await get(f.admin, `${HISTORY}/summary`, {
      bucketMinutes: '1',
      fromUtc: '2016-01-01T00:00:00.000Z',
      toUtc: '2026-01-01T00:00:00.000Z',
    });
    expect([tooMany.status, errorCode(tooMany)]).toEqual([400, 'BadRequest']);
    const backwards = await get(f.admin, `${HISTORY}/summary`, {
      fromUtc: '2026-01-02T00:00:00.000Z',
      toUtc: '2026-01-01T00:00:00.000Z',
    });
    expect([backwards.status, errorCode(backwards)]).toEqual([400, 'BadRequest']);
    const zero = await get(f.admin, `${HISTORY}/summary`, { bucketMinutes: '0' });
    expect(zero.status).toBe(400);
  });
});

describe('request history scope', () => {
  it('keeps tenant users to their own tenant and requests, and refuses a wider tenantId or userId', async () => {
    const triggerA = await authenticatedTrigger(f.tenantA, 'history.scope.a');
    const triggerB = await authenticatedTrigger(f.tenantB, 'history.scope.b');
    // ReadOnly holds no TriggerExecute: refused, and recorded under its user all the same.
    expect((await fire(f.as.ReadOnly, triggerA.id)).status).toBe(403);
    expect((await fire(f.as.Operator, triggerA.id)).status).toBe(200);
    expect((await fire(f.tenantBUser, triggerB.id)).status).toBe(200);
    const [readOnlyMe, operatorMe] = [await f.as.ReadOnly.me(), await f.as.Operator.me()];
    if (readOnlyMe.type !== 'user' || operatorMe.type !== 'user') throw new Error('fixture users expected');
    const aEntries = await entriesOf(f.admin, { pathContains: triggerA.id, tenantId: f.tenantA }, 2);
    await entriesOf(f.admin, { pathContains: triggerB.id }, 1);
    const readOnlyEntry = aEntries.find((entry) => entry.userId === readOnlyMe.id);
    expect(readOnlyEntry).toBeDefined();

    // Tenant B's administrator-role user sees tenant B only, and cannot name tenant A.
    const bPage = ok<EntryPage>(await get(f.tenantBUser, HISTORY, { pageSize: '1000' }));
    expect(bPage.items.length).toBeGreaterThan(0);
    expect(bPage.items.every((entry) => entry.tenantId === f.tenantB)).toBe(true);
    for (const path of [HISTORY, `${HISTORY}/summary`]) {
      const widened = await get(f.tenantBUser, path, { tenantId: f.tenantA });
      expect([path, widened.status, errorCode(widened)]).toEqual([path, 403, 'Forbidden']);
    }
    expect((await get(f.tenantBUser, `${HISTORY}/${readOnlyEntry?.id}`)).status).toBe(404);
    expect((await f.tenantBUser.raw('DELETE', `${HISTORY}/${readOnlyEntry?.id}`)).status).toBe(404);
    const bulk = await f.tenantBUser.raw('DELETE', HISTORY, { query: { tenantId: f.tenantA } });
    expect(bulk.status).toBe(403);
    const bSummary = ok<RequestHistorySummary>(await get(f.tenantBUser, `${HISTORY}/summary`));
    expect(bSummary.totalCount).toBe(bPage.totalCount);

    // A user without the tenant administrator flag sees their own requests only.
    const own = ok<EntryPage>(await get(f.as.ReadOnly, HISTORY, { pageSize: '1000' }));
    expect(own.items.map((entry) => entry.id)).toContain(readOnlyEntry?.id);
    expect(own.items.every((entry) => entry.userId === readOnlyMe.id)).toBe(true);
    const other = await get(f.as.ReadOnly, HISTORY, { userId: operatorMe.id });
    expect([other.status, errorCode(other)]).toEqual([403, 'Forbidden']);
    expect((await get(f.as.ReadOnly, HISTORY, { userId: readOnlyMe.id, tenantId: f.tenantA })).status).toBe(
      200,
    );
    const operatorEntry = aEntries.find((entry) => entry.userId === operatorMe.id);
    expect((await get(f.as.ReadOnly, `${HISTORY}/${operatorEntry?.id}`)).status).toBe(404);
    expect(ok<Entry>(await get(f.as.ReadOnly, `${HISTORY}/${readOnlyEntry?.id}`)).id).toBe(readOnlyEntry?.id);
    // Reading is RequestHistoryRead; deleting is RequestHistoryDelete, which ReadOnly lacks.
    const refusedDelete = await f.as.ReadOnly.raw('DELETE', `${HISTORY}/${readOnlyEntry?.id}`);
    expect([refusedDelete.status, errorCode(refusedDelete)]).toEqual([403, 'Forbidden']);
    expect((await f.as.ReadOnly.raw('DELETE', HISTORY)).status).toBe(403);
    expect((await get(f.admin, `${HISTORY}/${readOnlyEntry?.id}`)).status).toBe(200);

    // A global administrator narrows to any tenant and user.
    const adminView = ok<EntryPage>(
      await get(f.admin, HISTORY, { tenantId: f.tenantA, userId: operatorMe.id, pathContains: triggerA.id }),
    );
    expect(adminView.items.map((entry) => entry.id)).toEqual([operatorEntry?.id]);
  });
});

describe('request history deletes', () => {
  it("files a call to another tenant's Public trigger under the trigger's tenant, masking secret JSON fields", async () => {
    const trigger = await publicTrigger(f.tenantA, 'history.cross.tenant');
    const callerMe = await f.tenantBUser.me();
    if (callerMe.type !== 'user') throw new Error('fixture user expected');
    const answer = await fire(f.tenantBUser, trigger.id, { note: 'kept', password: 'body-secret-password' });
    expect(answer.status).toBe(200);
    // Tenant A owns the flow, so the call is in tenant A's history, with its caller named.
    const [entry] = await entriesOf(f.admin, { pathContains: trigger.id, tenantId: f.tenantA }, 1);
    expect(entry).toMatchObject({ tenantId: f.tenantA, userId: callerMe.id, statusCode: 200 });
    expect(JSON.parse(entry?.requestBody ?? '{}')).toEqual({ note: 'kept', password: '****' });
    expect(JSON.stringify(entry)).not.toContain('body-secret-password');
    // Tenant B does not get tenant A's output through its own history.
    const mine = ok<EntryPage>(await get(f.tenantBUser, HISTORY, { pathContains: trigger.id }));
    expect(mine.items).toEqual([]);
    const anywhere = ok<EntryPage>(await get(f.admin, HISTORY, { pathContains: trigger.id }));
    expect(anywhere.items.map((item) => item.tenantId)).toEqual([f.tenantA]);
  });

  it('deletes one entry, then the entries matching a filter', async () => {
    const trigger = await publicTrigger(f.tenantA, 'history.delete');
    for (let i = 0; i < 3; i += 1) expect((await fire(f.anonymous, trigger.id)).status).toBe(200);
    const entries = await entriesOf(f.admin, { pathContains: trigger.id }, 3);
    const [first] = entries;
    expect((await f.admin.raw('DELETE', `${HISTORY}/${first?.id}`)).status).toBe(204);
    expect((await get(f.admin, `${HISTORY}/${first?.id}`)).status).toBe(404);
    expect((await f.admin.raw('DELETE', `${HISTORY}/${first?.id}`)).status).toBe(404);
    const bulk = await f.admin.raw('DELETE', HISTORY, { query: { pathContains: trigger.id } });
    expect(ok<{ deletedCount: number }>(bulk)).toEqual({ deletedCount: 2 });
    expect(ok<EntryPage>(await get(f.admin, HISTORY, { pathContains: trigger.id })).totalCount).toBe(0);
  });

  it("deletes only the caller's own entries when a user without the tenant administrator flag sends no filter", async () => {
    const trigger = await authenticatedTrigger(f.tenantA, 'history.delete.own');
    expect((await fire(f.as.Administrator, trigger.id)).status).toBe(200);
    expect((await fire(f.as.Editor, trigger.id)).status).toBe(200);
    expect((await fire(f.admin, trigger.id)).status).toBe(200);
    await entriesOf(f.admin, { pathContains: trigger.id }, 3);
    const me = await f.as.Administrator.me();
    if (me.type !== 'user') throw new Error('fixture user expected');
    const mine = ok<EntryPage>(await get(f.as.Administrator, HISTORY, { pageSize: '1000' })).totalCount;
    expect(mine).toBeGreaterThan(0);
    const deleted = ok<{ deletedCount: number }>(await f.as.Administrator.raw('DELETE', HISTORY));
    expect(deleted.deletedCount).toBe(mine);
    const left = ok<EntryPage>(await get(f.admin, HISTORY, { pathContains: trigger.id })).items;
    expect(left).toHaveLength(2);
    expect(left.some((entry) => entry.userId === me.id)).toBe(false);
    // The Editor role holds no Delete: refused, and nothing went.
    expect((await f.as.Editor.raw('DELETE', HISTORY)).status).toBe(403);
    expect(ok<EntryPage>(await get(f.admin, HISTORY, { pathContains: trigger.id })).totalCount).toBe(2);
  });
});
