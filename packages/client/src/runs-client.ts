import {
  BulkDeleteResponse,
  FlowRunRecord,
  type FlowRunState,
  pageOf,
  RunActivityResponse,
  StepRunRecord,
} from '@tempo/contracts';
import { z } from 'zod';
import type { ListQuery } from './crud-client.ts';
import { type HttpTransport, segment } from './http-transport.ts';

/** Filters of the run list, on top of paging. */
export interface RunListFilter extends ListQuery {
  readonly dataFlowId?: string;
  readonly state?: FlowRunState;
  readonly fromUtc?: string;
  readonly toUtc?: string;
}

/** The run history of a tenant: list, read, step runs, activity, cancel, delete. */
export class RunsClient {
  readonly #transport: HttpTransport;
  readonly #path: string;

  constructor(transport: HttpTransport, tenantPath: string) {
    this.#transport = transport;
    this.#path = `${tenantPath}/runs`;
  }

  /** Runs, newest first. */
  list(query: RunListFilter = {}) {
    return this.#transport.request('GET', this.#path, pageOf(FlowRunRecord), { query: { ...query } });
  }

  /** One run. */
  get(runId: string) {
    return this.#transport.request('GET', `${this.#path}/${segment(runId)}`, FlowRunRecord);
  }

  /** The run's step runs, in order. */
  steps(runId: string) {
    return this.#transport.request('GET', `${this.#path}/${segment(runId)}/steps`, z.array(StepRunRecord));
  }

  /** The run with its assignments and worker activity. */
  activity(runId: string) {
    return this.#transport.request('GET', `${this.#path}/${segment(runId)}/activity`, RunActivityResponse);
  }

  /** Cancels a queued run. */
  cancel(runId: string) {
    return this.#transport.request('POST', `${this.#path}/${segment(runId)}/cancel`, FlowRunRecord);
  }

  /** Deletes a finished run. */
  async delete(runId: string): Promise<void> {
    await this.#transport.request('DELETE', `${this.#path}/${segment(runId)}`, z.null());
  }

  /** Deletes several finished runs. */
  bulkDelete(ids: readonly string[]) {
    return this.#transport.request('POST', `${this.#path}/bulk-delete`, BulkDeleteResponse, {
      body: { ids },
    });
  }
}
