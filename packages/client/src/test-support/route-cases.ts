import type { PageQueryInput } from '@tempo/contracts';
import { describe, expect, it } from 'vitest';
import type { TempoClient } from '../tempo-client.ts';
import * as records from './records.ts';
import { useRecordingServer } from './use-recording-server.ts';

/** One client call and what must go over the wire for it. */
export interface RouteCase {
  readonly name: string;
  readonly call: (client: TempoClient) => Promise<unknown>;
  readonly method: string;
  /** The path as it must arrive, encoded. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  /** The JSON body that must arrive; none when undefined. */
  readonly body?: unknown;
  readonly status?: number;
  /** The server's answer, which the call must resolve to (undefined for a 204). */
  readonly answer?: unknown;
}

/** The calls every collection client offers. */
interface Collection<C, U> {
  list(query?: PageQueryInput): Promise<unknown>;
  get(id: string): Promise<unknown>;
  create(body: C): Promise<unknown>;
  update(id: string, body: U): Promise<unknown>;
  delete(id: string): Promise<void>;
}

/** An id that must be encoded to stay one path segment. */
export const ID = 'id/1?';
/** {@link ID} as it must arrive. */
export const ENCODED_ID = 'id%2F1%3F';

/** The five calls of a collection under `path`, each with a record of the collection as answer. */
export const crudCases = <C, U>(
  name: string,
  path: string,
  of: (client: TempoClient) => Collection<C, U>,
  record: unknown,
  create: C,
  update: U,
): RouteCase[] => [
  {
    name: `${name}.list`,
    call: (c) => of(c).list({ pageNumber: 2, pageSize: 10, includeInactive: true }),
    method: 'GET',
    path,
    query: { pageNumber: '2', pageSize: '10', includeInactive: 'true' },
    answer: records.pageWith(record),
  },
  {
    name: `${name}.get`,
    call: (c) => of(c).get(ID),
    method: 'GET',
    path: `${path}/${ENCODED_ID}`,
    answer: record,
  },
  {
    name: `${name}.create`,
    call: (c) => of(c).create(create),
    method: 'POST',
    path,
    body: create,
    answer: record,
  },
  {
    name: `${name}.update`,
    call: (c) => of(c).update(ID, update),
    method: 'PUT',
    path: `${path}/${ENCODED_ID}`,
    body: update,
    answer: record,
  },
  {
    name: `${name}.delete`,
    call: (c) => of(c).delete(ID),
    method: 'DELETE',
    path: `${path}/${ENCODED_ID}`,
    status: 204,
  },
];

/** The bulk delete of a collection under `path`. */
export const bulkCase = (name: string, path: string, call: RouteCase['call']): RouteCase => ({
  name: `${name}.bulkDelete`,
  call,
  method: 'POST',
  path: `${path}/bulk-delete`,
  body: { ids: ['a', 'b'] },
  answer: { deletedCount: 1, skippedProtected: ['b'], skippedInUse: [] },
});

/**
 * Checks each case against a real recording server: method, encoded path, query and JSON body
 * as they arrive, and that the call resolves to the parsed answer.
 */
export const describeRoutes = (title: string, cases: readonly RouteCase[]): void => {
  const bench = useRecordingServer();

  describe(title, () => {
    it.each(cases)('$name sends $method $path and resolves to the parsed answer', async (route) => {
      bench.server.respond = () => ({ status: route.status ?? 200, body: route.answer });
      const result = await route.call(bench.client);
      const request = bench.server.last();
      expect({ method: request.method, path: request.path }).toEqual({
        method: route.method,
        path: route.path,
      });
      expect(Object.fromEntries(request.query)).toEqual(route.query ?? {});
      expect(request.body === '' ? undefined : JSON.parse(request.body)).toEqual(route.body);
      expect(result).toEqual(route.answer);
    });

    it('names no route twice', () => {
      const keys = cases.map((route) => `${route.method} ${route.path}`);
      // list and create share a path but not a method; a duplicate would be a copy-paste slip.
      expect(new Set(keys).size).toBe(keys.length);
    });
  });
};
