import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts'],
          exclude: ['apps/cli/src/services/**', 'apps/dashboard/**'],
        },
      },
      {
        extends: true,
        // The repository suite: run once per database (TEMPO_TEST_DB), files one at a time
        // because they share the database.
        test: { name: 'store', include: ['packages/core/test/**/*.test.ts'], fileParallelism: false },
      },
      {
        extends: true,
        test: { name: 'services', include: ['apps/cli/src/services/**/*.test.ts'], fileParallelism: false },
      },
      {
        extends: true,
        test: {
          name: 'apps',
          include: ['apps/*/test/**/*.test.ts'],
          exclude: ['apps/dashboard/**'],
          fileParallelism: false,
        },
      },
      {
        extends: true,
        // The dashboard: its unit and i18n audit tests, then the browser suites against a real
        // server (one browser at a time on a small machine).
        test: {
          name: 'dashboard',
          include: ['apps/dashboard/src/**/*.test.{ts,tsx}', 'apps/dashboard/test/**/*.e2e.test.ts'],
          fileParallelism: false,
        },
      },
    ],
  },
});
