/** Options of {@link retryStoreWrite}. */
export interface StoreRetryOptions {
  /** Tries in all, the first included; at least 1. */
  readonly attempts: number;
  /** Wait before the second try in ms; each later wait doubles, up to {@link maxDelayMs}. */
  readonly baseDelayMs: number;
  /** Longest wait between two tries, in ms. */
  readonly maxDelayMs: number;
  /** Told of each failed try that will be tried again. */
  readonly onRetry?: (error: unknown, attempt: number) => void;
}

/** How the run path retries the writes that end a run: three tries within about a second. */
export const RUN_END_RETRY: StoreRetryOptions = { attempts: 3, baseDelayMs: 150, maxDelayMs: 1_000 };

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs a database write, trying again after a capped, jittered backoff when it throws: a locked
 * or briefly unavailable database must not leave a run without its end. The last error is
 * rethrown once every try has failed.
 */
export const retryStoreWrite = async <T>(write: () => Promise<T>, options: StoreRetryOptions): Promise<T> => {
  const attempts = Math.max(1, options.attempts);
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (attempt >= attempts) throw error;
      options.onRetry?.(error, attempt);
      const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
      // Half fixed, half random: replicas that failed together do not retry in step.
      await pause(ceiling / 2 + Math.random() * (ceiling / 2));
    }
  }
};
