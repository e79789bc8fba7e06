import type { FlowKeyProblem, StepTransition } from '@tempo/contracts';
import { op, type Repositories } from '@tempo/core/store';

/** The parts of a flow its key check reads. */
export interface FlowKeys {
  readonly startStepId: string;
  readonly transitions: Readonly<Record<string, StepTransition>>;
}

/**
 * The keys of a flow that name no active step of its tenant, each with why: no step has the key,
 * the step with it is inactive, or the key is a step's id (`step_...`) where its execution key
 * belongs. Inline REST nodes carry their own call and need no step. A run stops with an
 * exception at any of these keys, so the problems are reported when the flow is saved and by
 * `POST .../flows/{id}/validate`, not first when a trigger fires.
 */
export const flowKeyProblems = async (
  repositories: Repositories,
  tenantId: string,
  flow: FlowKeys,
): Promise<FlowKeyProblem[]> => {
  const keys = Object.entries(flow.transitions)
    .filter(([, node]) => node.rest === null)
    .map(([key]) => key);
  if (keys.length === 0) return [];
  const steps = repositories.steps.inTenant(tenantId);
  const byKey = new Map((await steps.find({ executionKey: op.in(keys) })).map((s) => [s.executionKey, s]));
  const unmatched = keys.filter((key) => !byKey.has(key));
  // A key shaped like an id is looked up by id: the usual mistake is pasting the id a create answered.
  const idMatches = unmatched.length === 0 ? [] : await steps.find({ id: op.in(unmatched) });
  const byId = new Map(idMatches.map((s) => [s.id, s]));
  const problems: FlowKeyProblem[] = [];
  for (const key of keys) {
    const path = key === flow.startStepId ? 'startStepId' : `transitions.${key}`;
    const step = byKey.get(key);
    if (step?.active) continue;
    if (step) {
      problems.push({
        kind: 'InactiveStep',
        path,
        key,
        stepId: step.id,
        message: `Step "${key}" (${step.id}) is inactive: a run stops at this key until it is active again.`,
      });
      continue;
    }
    const named = byId.get(key);
    if (named) {
      problems.push({
        kind: 'StepIdUsedAsKey',
        path,
        key,
        stepId: named.id,
        executionKey: named.executionKey,
        message: `"${key}" is the id of step "${named.executionKey}"; flows name steps by executionKey, so write "${named.executionKey}" here and in the edges that lead to it.`,
      });
      continue;
    }
    problems.push({
      kind: 'NoStep',
      path,
      key,
      message: `No step has the execution key "${key}" in this tenant: create one (or use ensure-steps) before a run reaches it.`,
    });
  }
  return problems;
};
