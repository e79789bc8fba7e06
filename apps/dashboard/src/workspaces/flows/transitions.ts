import type { StepTransition } from '@tempo/contracts';

/** The three outcomes a transition can follow. */
export const EDGE_KINDS = ['onSuccess', 'onFailure', 'onException'] as const;
/** One of {@link EDGE_KINDS}. */
export type EdgeKind = (typeof EDGE_KINDS)[number];

/** A flow's transitions as the editor holds them: step executionKey → what follows it. */
export type Transitions = Readonly<Record<string, StepTransition>>;

/** One arrow of the graph. */
export interface FlowEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly kind: EdgeKind;
}

/** A transition that leads nowhere yet. */
export const emptyTransition = (): StepTransition => ({
  name: null,
  onSuccess: null,
  onFailure: null,
  onException: null,
  maxTransitions: 0,
  stepType: null,
  rest: null,
});

/** The arrows of `transitions`, one per set outcome, in key order. */
export const edgesOf = (transitions: Transitions): FlowEdge[] =>
  Object.entries(transitions).flatMap(([source, node]) =>
    EDGE_KINDS.flatMap((kind) => {
      const target = node[kind];
      return target ? [{ id: `${source}:${kind}`, source, target, kind }] : [];
    }),
  );

/** Adds a step (a key with no arrows); a key already there is left as it is. */
export const addStep = (transitions: Transitions, key: string): Transitions =>
  key in transitions ? transitions : { ...transitions, [key]: emptyTransition() };

/** Removes a step and every arrow that led to it. */
export const removeStep = (transitions: Transitions, key: string): Transitions =>
  Object.fromEntries(
    Object.entries(transitions)
      .filter(([source]) => source !== key)
      .map(([source, node]) => [
        source,
        Object.fromEntries(
          Object.entries(node).map(([field, value]) =>
            (EDGE_KINDS as readonly string[]).includes(field) && value === key
              ? [field, null]
              : [field, value],
          ),
        ) as StepTransition,
      ]),
  );

/** Points `source`'s `kind` outcome at `target` (replacing what it pointed at), adding `target` if new. */
export const connect = (
  transitions: Transitions,
  source: string,
  kind: EdgeKind,
  target: string,
): Transitions => {
  const withTarget = addStep(addStep(transitions, source), target);
  const node = withTarget[source] as StepTransition;
  return { ...withTarget, [source]: { ...node, [kind]: target } };
};

/** Clears `source`'s `kind` outcome. */
export const disconnect = (transitions: Transitions, source: string, kind: EdgeKind): Transitions => {
  const node = transitions[source];
  return node ? { ...transitions, [source]: { ...node, [kind]: null } } : transitions;
};

/**
 * Rows and columns for the graph's layout: the start step first, then each step one column
 * right of the first step that leads to it (breadth first); unreachable steps go in a last column.
 */
export const layoutOf = (
  transitions: Transitions,
  startKey: string,
): Record<string, { column: number; row: number }> => {
  const columnOf = new Map<string, number>();
  const queue = startKey in transitions ? [startKey] : [];
  if (queue[0]) columnOf.set(queue[0], 0);
  while (queue.length > 0) {
    const key = queue.shift() as string;
    const column = columnOf.get(key) ?? 0;
    for (const kind of EDGE_KINDS) {
      const next = transitions[key]?.[kind];
      if (next && next in transitions && !columnOf.has(next)) {
        columnOf.set(next, column + 1);
        queue.push(next);
      }
    }
  }
  const lastColumn = Math.max(-1, ...columnOf.values()) + 1;
  const rows = new Map<number, number>();
  const layout: Record<string, { column: number; row: number }> = {};
  for (const key of Object.keys(transitions)) {
    const column = columnOf.get(key) ?? lastColumn;
    const row = rows.get(column) ?? 0;
    rows.set(column, row + 1);
    layout[key] = { column, row };
  }
  return layout;
};
