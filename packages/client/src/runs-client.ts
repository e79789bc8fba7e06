import {
  BulkDeleteResponse,
  FlowRunRecord,
  type Page,
  pageOf,
  RunActivityResponse,
  type RunListQuery,
  StepRunRecord,
} from '@tempo/contracts';
import { z } from 'zod';
import type { HttpTransport } from './http-transport.ts';
import { segment } from './request-url.ts';

/** The run history of a tenant: list, read, step runs, activity, cancel, delete. */
export class RunsClient {
  readonly #transport: HttpTransport;
  readonly #path: string;

  constructor(transport: HttpTransport, tenantPath: string) {
    this.#transport = transport;
    this.#path = `${tenantPath}/runs`;
  }

  /** Runs, newest first, filtered by flow, state and creation time. */
  list(query: z.input<typeof RunListQuery> = {}): Promise<Page<FlowRunRecord>> {
    return this.#transport.request('GET', this.#path, pageOf(FlowRunRecord), { query });
  }

  /** One run. */
  get(runId: string): Promise<FlowRunRecord> {
    return this.#transport.request('GET', this.#item(runId), FlowRunRecord);
  }

  /** The run's step runs, in order. */
  steps(runId: string): Promise<StepRunRecord[]> {
    return this.#transport.request('GET', this.#item(runId, '/steps'), z.array(StepRunRecord));
  }

  /** The run with its assignments and worker activity. */
  activity(runId: string): Promise<RunActivityResponse> {
    return this.#transport.request('GET', this.#item(runId, '/activity'), RunActivityResponse);
  }

  /** Cancels a queued run and resolves to it. */
  cancel(runId: string): Promise<FlowRunRecord> {
    return this.#transport.request('POST', this.#item(runId, '/cancel'), FlowRunRecord);
  }

  /** Deletes a finished run and its step runs (answered 204). */
  delete(runId: string): Promise<void> {
    return this.#transport.send('DELETE', this.#item(runId));
  }

  /** Deletes several finished runs; queued and running ones are skipped and listed. */
  bulkDelete(ids: readonly string[]): Promise<BulkDeleteResponse> {
    return this.#transport.request('POST', `${this.#path}/bulk-delete`, BulkDeleteResponse, {
      body: { ids },
    });
  }

  #item(runId: string, suffix = ''): string {
    return `${this.#path}/${segment(runId)}${suffix}`;
  }
}
