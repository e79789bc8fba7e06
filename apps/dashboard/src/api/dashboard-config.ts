/** The server URL in `/config.json`, which the dashboard server `./tempo up` starts answers. */
const configuredServerUrl = (body: unknown): string | null => {
  const value =
    typeof body === 'object' && body !== null ? (body as { serverUrl?: unknown }).serverUrl : null;
  return typeof value === 'string' && value !== '' ? value : null;
};

/** Port of the Tempo server when nothing says otherwise. */
const DEFAULT_SERVER_PORT = 8901;

/**
 * The server URL the login form starts with: the one the dashboard server names, else the same
 * host on the default port.
 */
export const defaultServerUrl = async (): Promise<string> => {
  try {
    const answer = await fetch('/config.json', { headers: { accept: 'application/json' } });
    if (answer.ok) {
      const configured = configuredServerUrl(await answer.json());
      if (configured !== null) return configured;
    }
  } catch {
    // Served without a config (vite dev, a plain file server): fall through to the guess.
  }
  return `${window.location.protocol}//${window.location.hostname}:${DEFAULT_SERVER_PORT}`;
};
