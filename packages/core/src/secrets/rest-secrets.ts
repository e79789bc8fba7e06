import { CommonErrors } from '@tempo/contracts';

/**
 * Where stored definitions hold secrets: the values of credential headers of outbound REST calls
 * (`External.Rest` and `Legacy.InlineRest` step configurations, a step's `rest` block, a flow's
 * inline REST nodes, and the copies of all of these in a run's execution snapshot).
 */

/**
 * Header names whose values are credentials: `Authorization`, cookies, and any name that speaks
 * of a key, token, secret, password, session, signature or credential (`X-Api-Key`,
 * `X-Amz-Security-Token`, `X-Functions-Key`). Other header values are kept as they are.
 */
const CREDENTIAL_HEADER = /auth|cookie|token|secret|pass|pwd|key|session|signature|credential/i;

/** Whether a header's value is a credential (see {@link CREDENTIAL_HEADER}). */
export const isCredentialHeader = (name: string): boolean => CREDENTIAL_HEADER.test(name);

/** A change applied to each credential header value. */
export type SecretMap = (value: string, headerName: string) => string;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A REST call (an object with a string `url` and a `headers` map) with `map` applied to its
 * credential header values; the same object when nothing changed, and anything else as it is.
 */
export const mapRestCall = <T>(call: T, map: SecretMap): T => {
  if (!isObject(call) || typeof call.url !== 'string' || !isObject(call.headers)) return call;
  let headers: Record<string, unknown> | null = null;
  for (const [name, value] of Object.entries(call.headers)) {
    if (typeof value !== 'string' || !isCredentialHeader(name)) continue;
    const mapped = map(value, name);
    if (mapped === value) continue;
    headers ??= { ...call.headers };
    headers[name] = mapped;
  }
  return headers ? ({ ...call, headers } as T) : call;
};

/** A map of values with `change` applied to each; the same object when nothing changed. */
const mapValues = <T>(record: T, change: (value: unknown) => unknown): T => {
  if (!isObject(record)) return record;
  let copy: Record<string, unknown> | null = null;
  for (const [key, value] of Object.entries(record)) {
    const changed = change(value);
    if (changed === value) continue;
    copy ??= { ...record };
    copy[key] = changed;
  }
  return (copy ?? record) as T;
};

/** One field of an object changed; the same object when it did not change. */
const mapField = <T>(owner: T, field: string, change: (value: unknown) => unknown): T => {
  if (!isObject(owner)) return owner;
  const changed = change(owner[field]);
  return changed === owner[field] ? owner : ({ ...owner, [field]: changed } as T);
};

/** A flow's `transitions` with `map` applied to the credentials of each inline REST node. */
export const mapTransitions = <T>(transitions: T, map: SecretMap): T =>
  mapValues(transitions, (node) => mapField(node, 'rest', (rest) => mapRestCall(rest, map)));

/**
 * An execution snapshot (`{ flow: { transitions }, steps: { key: { runtimeConfig } } }`) with
 * `map` applied to the credentials of its REST calls. The run's `metadata`, which the caller
 * chose, is never touched.
 */
export const mapSnapshot = <T>(snapshot: T, map: SecretMap): T => {
  const withFlow = mapField(snapshot, 'flow', (flow) =>
    mapField(flow, 'transitions', (transitions) => mapTransitions(transitions, map)),
  );
  return mapField(withFlow, 'steps', (steps) =>
    mapValues(steps, (step) => mapField(step, 'runtimeConfig', (config) => mapRestCall(config, map))),
  );
};

/**
 * The text of an execution snapshot with `map` applied to its credentials; the same text when
 * there is nothing to change. `hint` is a substring every changed text contains, checked first so
 * most snapshots are never parsed.
 */
export const mapSnapshotText = (text: string, map: SecretMap, hint: string): string => {
  if (!text.includes(hint)) return text;
  let snapshot: unknown;
  try {
    snapshot = JSON.parse(text);
  } catch {
    return text;
  }
  const mapped = mapSnapshot(snapshot, map);
  return mapped === snapshot ? text : JSON.stringify(mapped);
};

/** Where a REST call sends its credentials: its method and its whole URL. */
const destinationOf = (call: Record<string, unknown>) => `${String(call.method ?? '')} ${String(call.url)}`;

/**
 * A REST call as sent back by a client, with each credential value equal to `placeholder` (what
 * the API shows instead of the value) replaced by the value `stored` holds under the same header
 * name (ignoring case), so a record read and sent back whole keeps its secrets.
 *
 * A kept secret goes only where it went before: when the call's method or URL changed, a
 * placeholder is refused (400) instead of restored. Otherwise whoever may edit a step but never
 * saw its credentials could point the call at a server of their own and receive them.
 */
export const restoreRestCall = <T>(call: T, stored: unknown, placeholder: string): T => {
  if (!isObject(stored) || !isObject(stored.headers)) return call;
  const storedHeaders = new Map(
    Object.entries(stored.headers).map(([name, value]) => [name.toLowerCase(), value]),
  );
  const sameDestination =
    isObject(call) && typeof stored.url === 'string' && destinationOf(call) === destinationOf(stored);
  return mapRestCall(call, (value, name) => {
    const kept = storedHeaders.get(name.toLowerCase());
    if (value !== placeholder || typeof kept !== 'string') return value;
    if (!sameDestination)
      throw CommonErrors.badRequest(
        `The stored value of header '${name}' is kept only while the call's method and URL stay the same: send the credential again to change them.`,
        { header: name },
      );
    return kept;
  });
};

/** A flow's `transitions` as sent back, with placeholders restored from the stored nodes (see {@link restoreRestCall}). */
export const restoreTransitions = <T>(transitions: T, stored: unknown, placeholder: string): T => {
  if (!isObject(transitions) || !isObject(stored)) return transitions;
  let copy: Record<string, unknown> | null = null;
  for (const [key, node] of Object.entries(transitions)) {
    const storedNode = stored[key];
    if (!isObject(node) || !isObject(storedNode)) continue;
    const rest = restoreRestCall(node.rest, storedNode.rest, placeholder);
    if (rest === node.rest) continue;
    copy ??= { ...transitions };
    copy[key] = { ...node, rest };
  }
  return (copy ?? transitions) as T;
};
