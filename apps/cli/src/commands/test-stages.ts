/** Stage names `./tempo test --only` accepts, in the order they run. */
export const TEST_STAGES = ['lint', 'typecheck', 'unit', 'store', 'apps'] as const;
/** One stage of `./tempo test`. */
export type TestStage = (typeof TEST_STAGES)[number];
