import type { TempoClient } from '@tempo/client';
import { useCallback, useEffect, useState } from 'react';
import { useTempoApi } from './tempo-api.tsx';
import { reportIfUnauthorized } from './unauthorized.ts';

/** The state of one read from the API. */
export interface ApiQuery<T> {
  readonly data?: T;
  readonly error?: unknown;
  readonly loading: boolean;
  /** Reads again; the last data stays on screen until the new answer arrives. */
  reload(): void;
}

/**
 * Reads from the API when `deps` (and the session) change, and on `reload()`. An answer that
 * arrives after a newer read started is dropped, so a slow old read never overwrites a new one.
 * A 401 signs the session out.
 */
export const useApiQuery = <T>(
  load: (client: TempoClient) => Promise<T>,
  deps: readonly unknown[],
): ApiQuery<T> => {
  const { client } = useTempoApi();
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((value) => value + 1), []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller names what the read depends on.
  useEffect(() => {
    let current = true;
    setState((previous) => ({ ...previous, loading: true }));
    load(client).then(
      (data) => {
        if (current) setState({ data, loading: false });
      },
      (error: unknown) => {
        reportIfUnauthorized(error);
        if (current) setState((previous) => ({ ...previous, error, loading: false }));
      },
    );
    return () => {
      current = false;
    };
  }, [client, generation, ...deps]);

  return { ...state, reload };
};
