import { TempoApiError, type TempoClient } from '@tempo/client';
import {
  type Page,
  pageOf,
  RequestHistoryDeleteResponse,
  RequestHistoryRecord,
  RequestHistorySummary,
} from '@tempo/contracts';
import type { TimeWindow } from './time-range.ts';

const BASE = '/v1.0/api/request-history';

/** The filters of the list, the summary and "delete matching"; empty ones are left out. */
export interface RequestFilter {
  readonly method: string;
  readonly pathContains: string;
  readonly statusCode: string;
}

/** The filter as query values, blanks dropped. */
export const filterQuery = (filter: RequestFilter): Record<string, string> =>
  Object.fromEntries(
    Object.entries(filter)
      .filter(([, value]) => value.trim() !== '')
      .map(([key, value]) => [key, value.trim()]),
  );

const windowQuery = (window: TimeWindow) => ({ fromUtc: window.fromUtc, toUtc: window.toUtc });

/** Entries of the window, newest first. */
export const listRequests = (
  client: TempoClient,
  filter: RequestFilter,
  window: TimeWindow,
  pageNumber: number,
  pageSize: number,
): Promise<Page<RequestHistoryRecord>> =>
  client.request('GET', BASE, pageOf(RequestHistoryRecord), {
    query: { ...filterQuery(filter), ...windowQuery(window), pageNumber, pageSize },
  });

/** Counts per time bucket over the window, in the window's bucket size. */
export const summarizeRequests = (
  client: TempoClient,
  filter: RequestFilter,
  window: TimeWindow,
): Promise<RequestHistorySummary> =>
  client.request('GET', `${BASE}/summary`, RequestHistorySummary, {
    query: { ...filterQuery(filter), ...windowQuery(window), bucketMinutes: window.bucketMinutes },
  });

/** One entry with its headers and bodies. */
export const readRequest = (client: TempoClient, id: string): Promise<RequestHistoryRecord> =>
  client.request('GET', `${BASE}/${encodeURIComponent(id)}`, RequestHistoryRecord);

/** Deletes one entry (answered 204). */
export const deleteRequest = async (client: TempoClient, id: string): Promise<void> => {
  const answer = await client.raw('DELETE', `${BASE}/${encodeURIComponent(id)}`);
  if (answer.status < 200 || answer.status > 299) throw TempoApiError.fromAnswer(answer.status, answer.body);
};

/** Deletes every entry of the window the filter matches and says how many went. */
export const deleteMatching = (
  client: TempoClient,
  filter: RequestFilter,
  window: TimeWindow,
): Promise<RequestHistoryDeleteResponse> =>
  client.request('DELETE', BASE, RequestHistoryDeleteResponse, {
    query: { ...filterQuery(filter), ...windowQuery(window) },
  });
