/**
 * Stage names `./tempo test --only` accepts, in the order they run. `mutation` runs only when
 * named: it takes tens of minutes on a small machine.
 */
export const TEST_STAGES = [
  'lint',
  'typecheck',
  'openapi',
  'deploy',
  'unit',
  'services',
  'store',
  'apps',
  'dashboard',
  'mutation',
] as const;
/** One stage of `./tempo test`. */
export type TestStage = (typeof TEST_STAGES)[number];
