import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { op } from './filters.ts';
import { openDatabase, type TempoDatabase } from './open-database.ts';
import type { Repositories } from './repositories.ts';
import { type ScopedRepository, TenantTable } from './repository.ts';
import type { ColumnSpec, TableSpec } from './table-model.ts';
import { Tables } from './tables/index.ts';

// Every repository's default order, over a real SQLite database: lists and finds without an
// explicit order depend on it (oldest first for definitions, newest first for runs and history).

let db: TempoDatabase;
let repositories: Repositories;
// A database per test, not per file: the repositories are built inside each test, so mutation
// testing's per-test coverage sees the order each test checks (code run in `beforeAll` is
// attributed to no test).
beforeEach(async () => {
  db = await openDatabase({ type: 'Sqlite', filename: ':memory:' });
  await db.migrate();
  repositories = db.repositories;
});
afterEach(async () => {
  await db.close();
});

/** The column a repository sorts by first, and its direction; ties go by `id` the same way. */
const EXPECTED_ORDER: Readonly<Record<string, readonly [string, 'asc' | 'desc']>> = {
  accounts: ['createdUtc', 'asc'],
  administrators: ['createdUtc', 'asc'],
  tenants: ['createdUtc', 'asc'],
  users: ['createdUtc', 'asc'],
  credentials: ['createdUtc', 'asc'],
  roles: ['createdUtc', 'asc'],
  permissions: ['createdUtc', 'asc'],
  userRoleMaps: ['createdUtc', 'asc'],
  rolePermissionMaps: ['createdUtc', 'asc'],
  dataFlows: ['createdUtc', 'asc'],
  steps: ['createdUtc', 'asc'],
  triggers: ['createdUtc', 'asc'],
  flowRuns: ['createdUtc', 'desc'],
  stepRuns: ['sequence', 'asc'],
  artifacts: ['createdUtc', 'asc'],
  artifactVersions: ['createdUtc', 'asc'],
  artifactFiles: ['path', 'asc'],
  runAssignments: ['assignedUtc', 'asc'],
  requestHistory: ['createdUtc', 'desc'],
  workers: ['createdUtc', 'asc'],
  workerSessions: ['connectedUtc', 'desc'],
  workerActivity: ['createdUtc', 'desc'],
  serverInstances: ['startedUtc', 'asc'],
  auditEvents: ['occurredUtc', 'desc'],
};

/** A value of a column's kind; `n` makes unique columns unique. */
const sampleOf = (column: ColumnSpec, n: number): unknown => {
  switch (column.kind) {
    case 'id':
      return `x${n}`;
    case 'text':
    case 'longText':
      return `text ${n}`;
    case 'json':
      return {};
    case 'bool':
      return false;
    case 'int':
    case 'bigint':
    case 'double':
      return n;
    case 'timestamp':
      return new Date(Date.UTC(2020, 0, 1, 0, 0, n)).toISOString();
  }
};

/** The value of the sort column for rank `rank` (0 = first ascending). */
const rankValue = (column: ColumnSpec, rank: number): unknown =>
  column.kind === 'timestamp'
    ? new Date(Date.UTC(2021, 0, 1 + rank)).toISOString()
    : column.kind === 'text'
      ? `p${rank}`
      : rank;

/** A row with every column filled, so no default hides a column the order depends on. */
const rowOf = (
  spec: TableSpec,
  n: number,
  id: string,
  order: { column: string; rank: number },
  tenantId: string,
) =>
  Object.fromEntries(
    Object.entries(spec.columns).map(([name, column]) => {
      if (name === 'id') return [name, id];
      if (name === order.column) return [name, rankValue(column, order.rank)];
      return [name, name === 'tenantId' ? tenantId : sampleOf(column, n)];
    }),
  );

describe('createRepositories: default orders', () => {
  it.each(Object.entries(EXPECTED_ORDER))(
    'orders %s by %j, ties by id the same way',
    async (name, [column, direction]) => {
      const holder = (
        repositories as unknown as Record<string, ScopedRepository<TableSpec> | TenantTable<TableSpec>>
      )[name];
      // Each table's rows in a tenant of their own, so a tenant's find sees only this test's rows.
      const tenantId = `ten_${name}`;
      const repository = holder instanceof TenantTable ? holder.inTenant(tenantId) : holder;
      if (!repository) throw new Error(`No repository ${name}.`);
      const spec: TableSpec = Tables[name as keyof typeof Tables];
      const hasId = 'id' in spec.columns;
      // Inserted out of order: rank 1 twice (ids b and a), then rank 0 (id c). Without an id
      // column (artifact files) the three ranks differ.
      const rows = [
        rowOf(spec, 1, `${name}-b`, { column, rank: hasId ? 1 : 2 }, tenantId),
        rowOf(spec, 2, `${name}-a`, { column, rank: 1 }, tenantId),
        rowOf(spec, 3, `${name}-c`, { column, rank: 0 }, tenantId),
      ];
      for (const row of rows) await repository.create(row as never);
      const found = hasId
        ? await repository.find({ id: op.in(rows.map((row) => String(row.id))) })
        : await repository.find();
      const keys = found.map((row) => String(hasId ? row.id : row.path));
      const ascending = hasId ? [`${name}-c`, `${name}-a`, `${name}-b`] : ['p0', 'p1', 'p2'];
      expect(keys).toEqual(direction === 'asc' ? ascending : [...ascending].reverse());
    },
  );
});
