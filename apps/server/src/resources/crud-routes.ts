import {
  BulkDeleteRequest,
  BulkDeleteResponse,
  CommonErrors,
  EntityId,
  ErrorBody,
  type OperationType,
  PageQuery,
  pageOf,
} from '@tempo/contracts';
import type { RowOf, ScopedRepository, TableSpec } from '@tempo/core/store';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AccessRule } from '../auth/authorizer.ts';
import type { Principal } from '../auth/principal.ts';
import type { ServerContext } from '../server-context.ts';

/** What a handler of a resource sees: the repository of the scope, the caller and the context. */
export interface CrudScope<S extends TableSpec, K extends string> {
  readonly repository: ScopedRepository<S, K>;
  readonly principal: Principal;
  readonly tenantId: string | null;
  readonly context: ServerContext;
}

/** A resource whose rows are served by the standard list/read/create/update/delete routes. */
export interface CrudResource<S extends TableSpec, K extends string, R, C, U> {
  /** Name in messages and errors, e.g. `User`. */
  readonly name: string;
  /** OpenAPI tag. */
  readonly tag: string;
  /** Collection URL, with `:tenantId` for tenant resources, e.g. `/v1.0/tenants/:tenantId/users`. */
  readonly path: string;
  /** Who may use the routes, per operation and target (the collection, or one item). */
  readonly access: (operation: OperationType, target: 'collection' | 'item') => AccessRule;
  /** The repository of a request's scope. */
  readonly repository: (context: ServerContext, tenantId: string | null) => ScopedRepository<S, K>;
  readonly record: z.ZodType<R>;
  readonly toRecord: (row: RowOf<S>) => R;
  readonly createBody: z.ZodType<C>;
  /** Creates the row (and answers with its record, which may show secrets once). */
  readonly create: (scope: CrudScope<S, K>, body: C) => Promise<R>;
  readonly updateBody: z.ZodType<U>;
  readonly update: (scope: CrudScope<S, K>, existing: RowOf<S>, body: U) => Promise<RowOf<S>>;
  /** Throws a 409 when other records still reference the row. */
  readonly guardDelete?: (scope: CrudScope<S, K>, row: RowOf<S>) => Promise<string | null>;
  /** Removes rows that only exist for this one (role links of a user, ...), after the delete. */
  readonly cascade?: (scope: CrudScope<S, K>, row: RowOf<S>) => Promise<void>;
  /** Restricts the list for callers who may see only part of it. */
  readonly listFilter?: (scope: CrudScope<S, K>) => Parameters<ScopedRepository<S, K>['list']>[1];
  readonly bulkDelete?: boolean;
}

const IdParams = z.object({ id: EntityId });
const TenantParams = z.object({ tenantId: EntityId });
const TenantIdParams = z.object({ tenantId: EntityId, id: EntityId });

type RowWithFlags = { readonly isProtected?: boolean; readonly id: string };

/** Registers the standard routes of a resource: list, read, create, update, delete, bulk delete. */
export const registerCrudRoutes = <S extends TableSpec, K extends string, R, C, U>(
  app: FastifyInstance,
  context: ServerContext,
  resource: CrudResource<S, K, R, C, U>,
): void => {
  // The schemas validate and serialize; generic handlers read the parsed values through the
  // helpers below because the type provider cannot follow the resource's type parameters.
  const r = app;
  const paramsOf = (request: FastifyRequest) => request.params as { id: string; tenantId?: string };
  const tenantScoped = resource.path.includes(':tenantId');
  const collectionParams = tenantScoped ? TenantParams : undefined;
  const itemParams = tenantScoped ? TenantIdParams : IdParams;
  const scopeOf = (request: FastifyRequest): CrudScope<S, K> => {
    const tenantId = tenantScoped ? (request.params as { tenantId: string }).tenantId : null;
    return {
      repository: resource.repository(context, tenantId),
      principal: request.principal,
      tenantId,
      context,
    };
  };
  const load = async (scope: CrudScope<S, K>, id: string) => {
    const row = await scope.repository.get(id);
    if (!row) throw CommonErrors.notFound(resource.name, id);
    return row;
  };
  type Removal =
    | { readonly outcome: 'deleted' | 'protected' }
    | { readonly outcome: 'inUse'; readonly reason: string };
  const remove = async (scope: CrudScope<S, K>, row: RowOf<S>): Promise<Removal> => {
    const flags = row as unknown as RowWithFlags;
    if (flags.isProtected) return { outcome: 'protected' };
    const reason = (await resource.guardDelete?.(scope, row)) ?? null;
    if (reason !== null) return { outcome: 'inUse', reason };
    await scope.repository.delete(flags.id);
    await resource.cascade?.(scope, row);
    return { outcome: 'deleted' };
  };
  const meta = <T extends object>(
    operation: OperationType,
    summary: string,
    schema: T & { params?: unknown },
  ) => ({
    config: { access: resource.access(operation, schema.params === itemParams ? 'item' : 'collection') },
    schema: { tags: [resource.tag], summary, ...schema },
  });
  const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };

  r.get(
    resource.path,
    meta('Read', `List ${resource.name} records`, {
      ...(collectionParams ? { params: collectionParams } : {}),
      querystring: PageQuery,
      response: { 200: pageOf(resource.record), ...errors },
    }),
    async (request) => {
      const scope = scopeOf(request);
      const page = await scope.repository.list(
        request.query as PageQuery,
        resource.listFilter?.(scope) ?? {},
      );
      return { ...page, items: page.items.map(resource.toRecord) };
    },
  );

  r.get(
    `${resource.path}/:id`,
    meta('Read', `Read a ${resource.name}`, {
      params: itemParams,
      response: { 200: resource.record, ...errors },
    }),
    async (request) => {
      const scope = scopeOf(request);
      return resource.toRecord(await load(scope, paramsOf(request).id));
    },
  );

  r.post(
    resource.path,
    meta('Create', `Create a ${resource.name}`, {
      ...(collectionParams ? { params: collectionParams } : {}),
      body: resource.createBody,
      response: { 201: resource.record, ...errors, 409: ErrorBody },
    }),
    async (request, reply) => {
      const created = await resource.create(scopeOf(request), request.body as C);
      return reply.code(201).send(created);
    },
  );

  r.put(
    `${resource.path}/:id`,
    meta('Update', `Update a ${resource.name}`, {
      params: itemParams,
      body: resource.updateBody,
      response: { 200: resource.record, ...errors, 409: ErrorBody },
    }),
    async (request) => {
      const scope = scopeOf(request);
      const existing = await load(scope, paramsOf(request).id);
      return resource.toRecord(await resource.update(scope, existing, request.body as U));
    },
  );

  r.delete(
    `${resource.path}/:id`,
    meta('Delete', `Delete a ${resource.name}`, {
      params: itemParams,
      response: { 204: z.null(), ...errors, 409: ErrorBody },
    }),
    async (request, reply) => {
      const scope = scopeOf(request);
      const { id } = paramsOf(request);
      const row = await load(scope, id);
      const removal = await remove(scope, row);
      if (removal.outcome === 'protected') throw CommonErrors.protectedRecord(resource.name, id);
      if (removal.outcome === 'inUse') throw CommonErrors.inUse(resource.name, id, removal.reason);
      return reply.code(204).send(null);
    },
  );

  if (resource.bulkDelete) {
    r.post(
      `${resource.path}/bulk-delete`,
      meta('Delete', `Delete several ${resource.name} records`, {
        description:
          'Protected and still-referenced records are skipped and listed; unknown ids are ignored.',
        ...(collectionParams ? { params: collectionParams } : {}),
        body: BulkDeleteRequest,
        response: { 200: BulkDeleteResponse, ...errors },
      }),
      async (request) => {
        const scope = scopeOf(request);
        const result = { deletedCount: 0, skippedProtected: [] as string[], skippedInUse: [] as string[] };
        for (const id of new Set((request.body as BulkDeleteRequest).ids)) {
          const row = await scope.repository.get(id);
          if (!row) continue;
          const { outcome } = await remove(scope, row);
          if (outcome === 'deleted') result.deletedCount += 1;
          else if (outcome === 'protected') result.skippedProtected.push(id);
          else result.skippedInUse.push(id);
        }
        return result;
      },
    );
  }
};
