/** How a tool call ended: Tempo answered 2xx, Tempo answered otherwise, or no answer at all. */
export type ToolOutcome = 'success' | 'failure' | 'error';

/** One finished tool call, as the SSE event stream publishes it (never its arguments). */
export interface ToolCallEvent {
  readonly tool: string;
  readonly outcome: ToolOutcome;
  /** Tempo's HTTP status, or null when the call never got an answer. */
  readonly statusCode: number | null;
  readonly durationMs: number;
  readonly utc: string;
}

/** Fan-out of tool-call events to whoever listens (the `/events` streams). */
export class ToolEvents {
  readonly #listeners = new Set<(event: ToolCallEvent) => void>();

  /** Calls `listener` for every following event until the returned function is called. */
  subscribe(listener: (event: ToolCallEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  publish(event: ToolCallEvent): void {
    for (const listener of this.#listeners) listener(event);
  }
}
