import { openDatabase } from '@tempo/core/store';

/**
 * `./tempo setup`: the bootstrap has already installed Node, pnpm and the dependencies before
 * this runs; this checks that the native SQLite driver loads under this Node and says so.
 */
export const runSetup = async (): Promise<number> => {
  const database = await openDatabase({ type: 'Sqlite', filename: ':memory:' });
  try {
    await database.migrate();
  } finally {
    await database.close();
  }
  process.stdout.write(`tempo setup: ready (Node ${process.versions.node}, SQLite driver loaded)\n`);
  return 0;
};
