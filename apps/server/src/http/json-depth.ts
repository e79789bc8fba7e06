import { TempoError } from '@tempo/contracts';

/** Deepest nesting of objects and arrays a request body may have. */
export const MAX_JSON_DEPTH = 64;

/** The nesting depth of a parsed JSON value, counted without recursion so no input can overflow it. */
export const jsonDepth = (value: unknown): number => {
  let deepest = 0;
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length > 0) {
    const next = pending.pop();
    if (!next) break;
    const [current, depth] = next;
    if (typeof current !== 'object' || current === null) continue;
    const level = depth + 1;
    if (level > deepest) deepest = level;
    if (deepest > MAX_JSON_DEPTH) return deepest;
    for (const child of Array.isArray(current) ? current : Object.values(current))
      pending.push([child, level]);
  }
  return deepest;
};

/** Refuses a body nested deeper than {@link MAX_JSON_DEPTH}: nothing downstream must recurse that deep. */
export const assertJsonDepth = (body: unknown): void => {
  if (jsonDepth(body) > MAX_JSON_DEPTH) {
    throw new TempoError('BadRequest', 400, `The JSON body is nested deeper than ${MAX_JSON_DEPTH} levels.`, {
      maxDepth: MAX_JSON_DEPTH,
    });
  }
};
