import {
  ArtifactFileChangeResponse,
  ArtifactFileContent,
  ArtifactFileInfo,
  ArtifactFilePathQuery,
  ArtifactVersionRecord,
  EntityId,
  ErrorBody,
  PageQuery,
  pageOf,
  SaveArtifactFileRequest,
  TempoError,
  UploadArtifactVersionQuery,
} from '@tempo/contracts';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { artifactResource } from '../resources/artifacts.ts';
import { registerCrudRoutes } from '../resources/crud-routes.ts';
import type { ServerContext } from '../server-context.ts';

const ItemParams = z.object({ tenantId: EntityId, id: EntityId });
const VersionParams = z.object({ tenantId: EntityId, id: EntityId, version: z.string().min(1).max(128) });
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };
const access = (operation: 'Read' | 'Create' | 'Update' | 'Delete') =>
  ({ access: { kind: 'tenant', resource: 'Artifact', operation } }) as const;
const describe = (summary: string) => ({ tags: ['Artifacts'], summary });

/** A header parameter value as RFC 5987 percent-encodes it. */
const rfc5987 = (value: string) =>
  encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Content types an uploaded package may be sent as. */
const PACKAGE_TYPES = ['application/zip', 'application/octet-stream', 'application/x-zip-compressed'];

/** Artifacts: metadata CRUD, the mutable file tree, uploaded versions and downloads. */
export const artifactRoutes: FastifyPluginAsync<{ context: ServerContext }> = async (app, { context }) => {
  registerCrudRoutes(app, context, artifactResource);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { artifacts } = context;

  // Package bytes arrive raw; this parser is scoped to these routes, with the upload limit.
  app.addContentTypeParser(
    PACKAGE_TYPES,
    { parseAs: 'buffer', bodyLimit: context.settings.artifacts.maxUploadBytes },
    (_request, body, done) => done(null, body),
  );

  r.get(
    '/v1.0/tenants/:tenantId/artifacts/:id/files',
    {
      config: access('Read'),
      schema: {
        ...describe('List the files of the mutable tree'),
        params: ItemParams,
        response: { 200: z.array(ArtifactFileInfo), ...errors },
      },
    },
    (request) => artifacts.listFiles(request.params.tenantId, request.params.id),
  );

  r.get(
    '/v1.0/tenants/:tenantId/artifacts/:id/files/content',
    {
      config: access('Read'),
      schema: {
        ...describe('Read one file (binary content as base64)'),
        params: ItemParams,
        querystring: ArtifactFilePathQuery,
        response: { 200: ArtifactFileContent, ...errors },
      },
    },
    (request) => artifacts.readFile(request.params.tenantId, request.params.id, request.query.path),
  );

  r.put(
    '/v1.0/tenants/:tenantId/artifacts/:id/files/content',
    {
      config: access('Update'),
      schema: {
        ...describe('Create or replace one file and rebuild the current snapshot'),
        params: ItemParams,
        querystring: ArtifactFilePathQuery.partial(),
        body: SaveArtifactFileRequest,
        response: { 200: ArtifactFileChangeResponse, ...errors, 413: ErrorBody },
      },
    },
    (request) => {
      const path = request.query.path ?? request.body.path;
      if (!path) throw new TempoError('BadRequest', 400, 'path is required (query or body).');
      return artifacts.saveFile(request.params.tenantId, request.params.id, path, request.body);
    },
  );

  r.delete(
    '/v1.0/tenants/:tenantId/artifacts/:id/files/content',
    {
      config: access('Update'),
      schema: {
        ...describe('Delete one file and rebuild the current snapshot'),
        params: ItemParams,
        querystring: ArtifactFilePathQuery,
        response: { 200: ArtifactFileChangeResponse, ...errors },
      },
    },
    (request) => artifacts.deleteFile(request.params.tenantId, request.params.id, request.query.path),
  );

  r.post(
    '/v1.0/tenants/:tenantId/artifacts/:id/versions',
    {
      config: access('Create'),
      schema: {
        ...describe('Upload a package (zip bytes as the body) as a version'),
        description:
          'Send the zip as the raw body (`Content-Type: application/zip`). `version=current` imports the package into the mutable files. A package without `tempo.step.json` is accepted; a step running it fails with a message saying the manifest is missing. Refused with 413 when it would take the tenant past `artifacts.maxBytesPerTenant`.',
        params: ItemParams,
        querystring: UploadArtifactVersionQuery,
        response: { 201: ArtifactVersionRecord, ...errors, 409: ErrorBody, 413: ErrorBody, 415: ErrorBody },
      },
    },
    async (request, reply) => {
      if (!Buffer.isBuffer(request.body)) {
        throw new TempoError(
          'UnsupportedMediaType',
          415,
          `Send the package bytes as ${PACKAGE_TYPES.join(', ')}.`,
        );
      }
      const version = await artifacts.uploadVersion(
        request.params.tenantId,
        request.params.id,
        request.body,
        request.query,
      );
      return reply.code(201).send(version);
    },
  );

  r.get(
    '/v1.0/tenants/:tenantId/artifacts/:id/versions',
    {
      config: access('Read'),
      schema: {
        ...describe('List versions, oldest first'),
        params: ItemParams,
        querystring: PageQuery,
        response: { 200: pageOf(ArtifactVersionRecord), ...errors },
      },
    },
    async (request) => {
      const { tenantId, id } = request.params;
      await artifacts.requireArtifact(tenantId, id);
      // Retired packages (deleted versions, replaced snapshots awaiting collection) are not versions any more.
      return context.repositories.artifactVersions
        .inTenant(tenantId)
        .list(request.query, { artifactId: id, deletedUtc: null });
    },
  );

  r.get(
    '/v1.0/tenants/:tenantId/artifacts/:id/versions/:version',
    {
      config: access('Read'),
      schema: {
        ...describe('Read a version'),
        params: VersionParams,
        response: { 200: ArtifactVersionRecord, ...errors },
      },
    },
    (request) => artifacts.getVersion(request.params.tenantId, request.params.id, request.params.version),
  );

  // Untyped on purpose: the answer is raw bytes, which the typed reply (JSON bodies only) cannot hold.
  app.get(
    '/v1.0/tenants/:tenantId/artifacts/:id/versions/:version/download',
    {
      config: access('Read'),
      schema: { ...describe('Download a version package'), params: VersionParams, response: errors },
    },
    async (request, reply) => {
      const params = request.params as z.infer<typeof VersionParams>;
      const { row, bytes } = await artifacts.download(params.tenantId, params.id, params.version);
      const fileName = row.originalFileName ?? `${row.artifactId}-${row.version}.zip`;
      // A plain-ASCII name for every client, and the exact name (RFC 6266) for those that read it.
      const asciiName = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
      return reply
        .header('content-type', row.contentType ?? 'application/zip')
        .header(
          'content-disposition',
          `attachment; filename="${asciiName}"; filename*=UTF-8''${rfc5987(fileName)}`,
        )
        .header('x-tempo-sha256', row.sha256)
        .send(bytes);
    },
  );

  r.delete(
    '/v1.0/tenants/:tenantId/artifacts/:id/versions/:version',
    {
      config: access('Delete'),
      schema: {
        ...describe('Delete a version no step uses'),
        description:
          'Runs that already pinned the version keep using its package: the bytes are collected after `artifacts.versionGracePeriodDays`, once no queued or running run pins them.',
        params: VersionParams,
        response: { 204: z.null(), ...errors, 409: ErrorBody },
      },
    },
    async (request, reply) => {
      await artifacts.deleteVersion(request.params.tenantId, request.params.id, request.params.version);
      return reply.code(204).send(null);
    },
  );
};
