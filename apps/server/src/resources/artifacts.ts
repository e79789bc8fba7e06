import { ArtifactRecord, CreateArtifactRequest, UpdateArtifactRequest } from '@tempo/contracts';
import { newId } from '@tempo/core/ids';
import type { Tables } from '@tempo/core/store';
import { tenantAccess } from './access.ts';
import type { CrudResource } from './crud-routes.ts';

type T = typeof Tables;

/** Artifact metadata: CRUD; an artifact a step uses cannot be deleted, and deleting one drops its files and blobs. */
export const artifactResource: CrudResource<
  T['artifacts'],
  'tenantId',
  ArtifactRecord,
  CreateArtifactRequest,
  UpdateArtifactRequest
> = {
  name: 'Artifact',
  tag: 'Artifacts',
  path: '/v1.0/tenants/:tenantId/artifacts',
  access: tenantAccess('Artifact'),
  repository: (context, tenantId) => context.repositories.artifacts.inTenant(tenantId ?? ''),
  record: ArtifactRecord,
  toRecord: (row) => row,
  createBody: CreateArtifactRequest,
  create: ({ repository }, body) =>
    repository.create({
      id: newId('artifact'),
      name: body.name,
      description: body.description ?? null,
      isProtected: body.isProtected ?? false,
    }),
  updateBody: UpdateArtifactRequest,
  update: async ({ repository }, existing, body) => (await repository.update(existing.id, body)) ?? existing,
  guardDelete: async ({ context, tenantId }, row) => {
    const steps = await context.repositories.steps.inTenant(tenantId ?? '').find({ artifactId: row.id });
    return steps.length === 0 ? null : `step(s) ${steps.map((step) => step.executionKey).join(', ')}`;
  },
  cascade: ({ context, tenantId }, row) => context.artifacts.purge(tenantId ?? '', row.id),
};
