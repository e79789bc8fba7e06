import type { DataFlowInvocationAuthMode, TriggerHttpMethod } from '@tempo/contracts';

/** The shell a copied command is meant for: Windows' `curl.exe` quotes differently. */
export type CurlShell = 'posix' | 'windows';

/** What {@link curlCommand} needs. */
export interface CurlOptions {
  readonly serverUrl: string;
  /** The trigger to call; null while the flow has none, shown as {@link TRIGGER_PLACEHOLDER}. */
  readonly triggerId: string | null;
  readonly method: TriggerHttpMethod;
  readonly authMode: DataFlowInvocationAuthMode;
  /** The JSON body of a POST. */
  readonly body: string;
  readonly shell: CurlShell;
}

/** Stands for a trigger id while the flow has no trigger; the reader replaces it. */
export const TRIGGER_PLACEHOLDER = '<triggerId>';

/** Stands for the caller's own token in the command; the reader replaces it. */
export const TOKEN_PLACEHOLDER = '<token>';

const quote = (value: string, shell: CurlShell): string =>
  shell === 'posix' ? `'${value.replaceAll("'", `'\\''`)}'` : `"${value.replaceAll('"', '\\"')}"`;

/** The URL a trigger is called on (`/v1.0/triggers/http/{triggerId}`). */
export const triggerUrl = (serverUrl: string, triggerId: string | null): string =>
  `${serverUrl.replace(/\/+$/, '')}/v1.0/triggers/http/${triggerId === null ? TRIGGER_PLACEHOLDER : encodeURIComponent(triggerId)}`;

/**
 * A curl command that fires the trigger: a `Public` flow needs nothing but the trigger id, an
 * `ApiAuthenticated` one a bearer token (or credential access key) allowed on the tenant.
 */
export const curlCommand = (options: CurlOptions): string => {
  const { serverUrl, triggerId, method, authMode, body, shell } = options;
  const program = shell === 'windows' ? 'curl.exe' : 'curl';
  const parts = [program, '-X', method, quote(triggerUrl(serverUrl, triggerId), shell)];
  if (authMode === 'ApiAuthenticated') {
    parts.push('-H', quote(`Authorization: Bearer ${TOKEN_PLACEHOLDER}`, shell));
  }
  if (method === 'POST') {
    parts.push('-H', quote('Content-Type: application/json', shell), '-d', quote(body, shell));
  }
  return parts.join(' ');
};
