/** Whether an error, or any error in its `cause` chain, carries one of the codes. */
export const hasCode = (error: unknown, codes: readonly (string | number)[]): boolean => {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const { code, errno } = current as Error & { code?: unknown; errno?: unknown };
    if (codes.includes(code as string) || codes.includes(errno as number)) return true;
    current = current.cause;
  }
  return false;
};
