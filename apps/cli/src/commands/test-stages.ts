/** Stage names `./tempo test --only` accepts, in the order they run. */
export const TEST_STAGES = ['lint', 'typecheck', 'unit', 'services', 'store', 'apps'] as const;
/** One stage of `./tempo test`. */
export type TestStage = (typeof TEST_STAGES)[number];
