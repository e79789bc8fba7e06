import type { RawResponse, TempoClient } from '@tempo/client';
import type { GlobalSubjects, Subjects } from './isolation-world.ts';
import { pathOf, type RouteCall, type RouteSpec } from './route-table.ts';

/** Where a tenant route is aimed: the tenant its path names, and whose records the rest names. */
export interface Aim {
  /** The tenant the path's tenant parameter names. */
  readonly tenantId: string;
  /** The records the path and body name (possibly of another tenant than `tenantId`). */
  readonly subjects: Subjects;
  readonly global: GlobalSubjects;
}

/** The request a route spec makes at an aim, before it is sent. */
export const requestOf = async (route: string, spec: RouteSpec, aim: Aim): Promise<RouteCall> => {
  switch (spec.scope) {
    case 'public':
      return {};
    case 'authenticated':
      return spec.call ? spec.call() : {};
    case 'global':
      return spec.call ? spec.call(aim.global, aim.subjects) : {};
    case 'tenant': {
      const call = spec.call ? await spec.call(aim.subjects) : {};
      const tenantParam = spec.tenantParam === undefined ? 'tenantId' : spec.tenantParam;
      if (tenantParam === null) return call;
      if (!route.includes(`{${tenantParam}}`)) throw new Error(`${route}: no {${tenantParam}} in the path`);
      return { ...call, params: { ...call.params, [tenantParam]: aim.tenantId } };
    }
  }
};

/** Sends one route's request as `caller`. */
export const send = (caller: TempoClient, route: string, call: RouteCall): Promise<RawResponse> => {
  const method = route.split(' ')[0] ?? 'GET';
  return caller.raw(method, pathOf(route, call.params ?? {}), {
    ...(call.query ? { query: call.query } : {}),
    ...(call.body !== undefined ? { body: call.body } : {}),
    ...(call.rawBody
      ? { rawBody: call.rawBody, contentType: call.contentType ?? 'application/octet-stream' }
      : {}),
    // A route that waits (an HTTP trigger) must not outlast the cell.
    timeoutMs: 60_000,
  });
};

/** Whether a route changes state when it succeeds (the isolation matrix re-reads after those). */
export const isWrite = (route: string): boolean => !route.startsWith('GET ');

/** Runs tasks a few at a time, keeping their order. */
export const inBatches = async <T>(tasks: readonly (() => Promise<T>)[], size: number): Promise<T[]> => {
  const results: T[] = [];
  for (let i = 0; i < tasks.length; i += size)
    results.push(...(await Promise.all(tasks.slice(i, i + size).map((task) => task()))));
  return results;
};
