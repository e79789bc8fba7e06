/**
 * Values some columns hold only in a sealed form at rest (secrets encrypted under a key the
 * database does not hold). The store seals them on every write and opens them on every read, so
 * no caller above it sees the sealed form and none can forget to seal.
 */
export interface ColumnSealer {
  /** The columns this sealer handles, by table name, as property names. */
  readonly columns: Readonly<Record<string, readonly string[]>>;
  /** The value to store for a column; `value` is never null or undefined. */
  seal(table: string, column: string, value: unknown): unknown;
  /** The value callers see for a stored column value; `value` is never null or undefined. */
  open(table: string, column: string, value: unknown): unknown;
}

/** A row with the sealer applied to the columns it handles (a copy; `row` is left as it is). */
export const applySealer = <R extends object>(
  sealer: ColumnSealer | undefined,
  table: string,
  row: R,
  direction: 'seal' | 'open',
): R => {
  const columns = sealer?.columns[table];
  if (!sealer || !columns) return row;
  let copy: Record<string, unknown> | null = null;
  for (const column of columns) {
    const value = (row as Record<string, unknown>)[column];
    if (value === null || value === undefined) continue;
    const changed =
      direction === 'seal' ? sealer.seal(table, column, value) : sealer.open(table, column, value);
    if (changed === value) continue;
    copy ??= { ...(row as Record<string, unknown>) };
    copy[column] = changed;
  }
  return (copy ?? row) as R;
};
