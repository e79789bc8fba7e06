import { EventEmitter } from 'node:events';
import type { FlowRunRecord } from '@tempo/contracts';
import type { Repositories } from '@tempo/core/store';

/** How often a waiter looks at the database when no completion event arrives (spec: 100 ms). */
const POLL_MS = 100;

const TERMINAL = new Set(['Succeeded', 'Failed', 'Exception', 'Cancelled']);

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

  /** Announces that a run reached a final state. */
  completed(runId: string): void {
    this.#events.emit(runId);
  }

  /** The run once final, or as it is when `budgetMs` runs out. */
  async wait(tenantId: string, runId: string, budgetMs: number): Promise<FlowRunRecord | null> {
    const runs = this.#repositories.flowRuns.inTenant(tenantId);
    const deadline = Date.now() + budgetMs;
    for (;;) {
      const run = await runs.get(runId);
      if (!run || isTerminal(run.state) || Date.now() >= deadline) return run;
      const waitMs = Math.min(POLL_MS, Math.max(0, deadline - Date.now()));
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          this.#events.off(runId, wake);
          resolve();
        }, waitMs);
        this.#events.once(runId, wake);
      });
    }
  }
}
