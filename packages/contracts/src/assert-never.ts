/**
 * The default branch of an exhaustive switch: a compile error when a case is missing, and a
 * loud failure naming `what` if a value the types ruled out arrives at run time anyway.
 */
export const assertNever = (value: never, what: string): never => {
  throw new Error(`Unhandled ${what}: ${JSON.stringify(value)}`);
};
