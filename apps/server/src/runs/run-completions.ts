import { EventEmitter } from 'node:events';
import type { FlowRunRecord } from '@tempo/contracts';
import { op, type Repositories } from '@tempo/core/store';

/** How often a waiter looks at the database when no completion event arrives (spec: 100 ms). */
const POLL_MS = 100;

const TERMINAL = new Set(['Succeeded', 'Failed', 'Exception', 'Cancelled']);
const LIVE_STATES = ['Queued', 'Running'] as const;

/** Whether a run state is final. */
export const isTerminal = (state: string): boolean => TERMINAL.has(state);

/**
 * Lets callers wait for a run to finish: woken at once by this process's completion events, and
 * polling the database otherwise, so a run finished by another replica is seen too.
 */
export class RunCompletions {
  readonly #events = new EventEmitter();
  readonly #repositories: Repositories;

  constructor(repositories: Repositories) {
    this.#repositories = repositories;
    this.#events.setMaxListeners(0);
  }

  /**
   * Announces that a run reached a final state; with the run as stored, waiters answer with it
   * instead of reading it again.
   */
  completed(runId: string, run?: FlowRunRecord): void {
    this.#events.emit(runId, run);
  }

  /**
   * The run once final, or as it is when `budgetMs` runs out (null once it is gone). Each look at
   * the database only counts whether the run is still queued or running, and the whole row is read
   * once, at the end: a waiter behind a long queue looks every {@link POLL_MS}, and a run's row
   * carries its execution snapshot. `queuedHere` skips the first look, for a run this process
   * has just written `Queued` and whose end it will announce.
   */
  async wait(
    tenantId: string,
    runId: string,
    budgetMs: number,
    options: { readonly queuedHere?: boolean } = {},
  ): Promise<FlowRunRecord | null> {
    const runs = this.#repositories.flowRuns.inTenant(tenantId);
    const deadline = Date.now() + budgetMs;
    let look = options.queuedHere !== true;
    for (;;) {
      // Listen before reading: a completion that lands while the read is in flight must still wake us.
      const signalled = this.#nextCompletion(runId, Math.min(POLL_MS, Math.max(0, deadline - Date.now())));
      const live = look ? (await runs.count({ id: runId, state: op.in([...LIVE_STATES]) })) > 0 : true;
      look = true;
      if (!live || Date.now() >= deadline) {
        signalled.cancel();
        return runs.get(runId);
      }
      const announced = await signalled.done;
      if (announced && isTerminal(announced.state)) return announced;
    }
  }

  /**
   * Resolves on the run's next completion event (with the run when the event carries it) or
   * after `timeoutMs`, whichever comes first.
   */
  #nextCompletion(
    runId: string,
    timeoutMs: number,
  ): { done: Promise<FlowRunRecord | undefined>; cancel(): void } {
    let wake = (_run?: FlowRunRecord) => {};
    const done = new Promise<FlowRunRecord | undefined>((resolve) => {
      const timer = setTimeout(() => {
        this.#events.off(runId, wake);
        resolve(undefined);
      }, timeoutMs);
      wake = (run?: FlowRunRecord) => {
        clearTimeout(timer);
        this.#events.off(runId, wake);
        resolve(run);
      };
      this.#events.once(runId, wake);
    });
    return { done, cancel: wake };
  }
}
