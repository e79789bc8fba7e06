import { type Filter, op, type ScopedRepository, type TableSpec } from '@tempo/core/store';

/** Rows read and deleted per round: a round holds the database and the event loop only briefly. */
export const DELETE_BATCH_SIZE = 200;

/** Lets timers, I/O and requests run between two rounds of a long sweep. */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Options of {@link deleteInBatches}. */
export interface BatchedDeleteOptions {
  /** Rows per round; default {@link DELETE_BATCH_SIZE}. */
  readonly batchSize?: number;
  /** Checked between rounds: true stops the delete where it is (a server shutting down). */
  readonly stopped?: () => boolean;
}

/**
 * Deletes every row matching `filter`, {@link DELETE_BATCH_SIZE} at a time: the ids of a round are
 * read (in no particular order, so no sort of the whole match is needed), then deleted by id
 * with the filter repeated, so a row that stopped matching meanwhile stays. One statement over
 * millions of rows would hold SQLite's write lock, and every trigger call with it, for seconds.
 * @returns how many rows were deleted.
 */
export const deleteInBatches = async <S extends TableSpec & { columns: { id: unknown } }>(
  repository: ScopedRepository<S, string>,
  filter: Filter<S>,
  options: BatchedDeleteOptions = {},
): Promise<number> => {
  const batchSize = options.batchSize ?? DELETE_BATCH_SIZE;
  let deleted = 0;
  for (;;) {
    if (options.stopped?.()) return deleted;
    const rows = await repository.find(filter, { orderBy: [], limit: batchSize });
    const ids = rows.map((row) => (row as { id: string }).id);
    if (ids.length === 0) return deleted;
    deleted += await repository.deleteWhere({ ...filter, id: op.in(ids) } as Filter<S>);
    if (ids.length < batchSize) return deleted;
    await yieldToEventLoop();
  }
};
