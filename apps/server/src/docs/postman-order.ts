import type { ListedOperation } from './openapi-operations.ts';
import { createdVariableOf, postmanPathOf, variablesIn } from './postman-variables.ts';

/** Requests a run must keep for the end: they delete records, or end the run's sign-in. */
export const isDestructive = (listed: ListedOperation): boolean =>
  listed.method === 'DELETE' || listed.name.startsWith('bulkDelete') || listed.name === 'revokeTokens';

/** Within a folder: creates first, then reads, updates and actions. */
export const folderRank = (listed: ListedOperation, all: readonly ListedOperation[]): number => {
  if (createdVariableOf(listed, all)) return 0;
  return { GET: 1, PUT: 2 }[listed.method] ?? 3;
};

/**
 * Orders records so each is created after the records its body names (a role before the map of
 * a role to a permission): repeatedly takes the first one whose references are all created.
 */
export const inDependencyOrder = <T>(
  entries: readonly T[],
  needs: (entry: T) => readonly string[],
  gives: (entry: T) => readonly string[],
): T[] => {
  const pending = [...entries];
  const ordered: T[] = [];
  const given = new Set(pending.flatMap(gives));
  const created = new Set<string>();
  while (pending.length > 0) {
    const index = pending.findIndex((entry) =>
      needs(entry).every((name) => !given.has(name) || created.has(name) || gives(entry).includes(name)),
    );
    // A cycle of references cannot be ordered; the rest keep their order and answer 4xx.
    const [next] = pending.splice(Math.max(index, 0), 1);
    if (next === undefined) break;
    ordered.push(next);
    for (const name of gives(next)) created.add(name);
  }
  return ordered;
};

/**
 * Clean up deletes in the reverse order of creation (a trigger before its flow, a record's
 * sub-records before it), and revokes the run's sign-in last.
 */
export const cleanupOrder =
  (createdAt: (variable: string) => number) =>
  (a: ListedOperation, b: ListedOperation): number => {
    if (a.name === 'revokeTokens' || b.name === 'revokeTokens') return a.name === 'revokeTokens' ? 1 : -1;
    const position = (listed: ListedOperation) =>
      createdAt(variablesIn(postmanPathOf(listed.path).join('/')).at(-1) ?? '');
    const depth = (listed: ListedOperation) => listed.path.split('/').length;
    return position(b) - position(a) || depth(b) - depth(a) || a.name.localeCompare(b.name);
  };
