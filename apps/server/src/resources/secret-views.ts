import { REDACTED } from '@tempo/contracts';
import {
  HEADERS_HINT,
  mapRestCall,
  mapSnapshotText,
  mapTransitions,
  restoreRestCall,
  restoreTransitions,
} from '@tempo/core/secrets';

/**
 * How stored secrets look through the API: every credential header value of a REST call is
 * served as `****`, and a `****` sent back in its place keeps the stored value, so a record read
 * and saved again whole (as the dashboard and v0.3.0 clients do) keeps its secrets.
 */

const hide = () => REDACTED;

/** A step as answered: credential header values of its REST call hidden. */
export const stepWithoutSecrets = <R extends { runtimeConfig: unknown; rest: unknown }>(step: R): R => ({
  ...step,
  runtimeConfig: mapRestCall(step.runtimeConfig, hide),
  rest: mapRestCall(step.rest, hide),
});

/** A flow as answered: credential header values of its inline REST nodes hidden. */
export const flowWithoutSecrets = <R extends { transitions: unknown }>(flow: R): R => ({
  ...flow,
  transitions: mapTransitions(flow.transitions, hide),
});

/** A step save with `****` credential values taken from the stored step. */
export const withStoredStepSecrets = <B extends { runtimeConfig?: unknown; rest?: unknown }>(
  body: B,
  stored: { readonly runtimeConfig: unknown; readonly rest: unknown },
): B => ({
  ...body,
  ...(body.runtimeConfig === undefined
    ? {}
    : { runtimeConfig: restoreRestCall(body.runtimeConfig, stored.runtimeConfig, REDACTED) }),
  ...(body.rest === undefined ? {} : { rest: restoreRestCall(body.rest, stored.rest, REDACTED) }),
});

/** A flow save with `****` credential values taken from the stored flow's nodes of the same key. */
export const withStoredFlowSecrets = <B extends { transitions?: unknown }>(
  body: B,
  stored: { readonly transitions: unknown },
): B =>
  body.transitions === undefined
    ? body
    : { ...body, transitions: restoreTransitions(body.transitions, stored.transitions, REDACTED) };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A run record with the credentials of its execution snapshot hidden; anything else as it is. */
const runWithoutSecrets = (run: unknown): unknown =>
  isObject(run) && typeof run.executionSnapshotJson === 'string'
    ? { ...run, executionSnapshotJson: mapSnapshotText(run.executionSnapshotJson, hide, HEADERS_HINT) }
    : run;

/**
 * An answer of the run routes with the snapshots of its runs hidden: a run, a page of runs, or an
 * object holding one under `run` (the activity view).
 */
export const runAnswerWithoutSecrets = (payload: unknown): unknown => {
  if (!isObject(payload)) return payload;
  if (Array.isArray(payload.items)) return { ...payload, items: payload.items.map(runWithoutSecrets) };
  if (isObject(payload.run)) return { ...payload, run: runWithoutSecrets(payload.run) };
  return runWithoutSecrets(payload);
};
