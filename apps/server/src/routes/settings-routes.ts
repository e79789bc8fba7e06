import {
  ErrorBody,
  SettingsMetaResponse,
  SettingsReadResponse,
  SettingsSaveResponse,
  TempoSettings,
} from '@tempo/contracts';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ServerContext } from '../server-context.ts';
import { SettingsService } from '../settings/settings-service.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };
const adminOnly = { access: { kind: 'admin' } } as const;

/** `GET /v1.0/settings`, `GET /v1.0/settings/meta`, `PUT /v1.0/settings` (rest-api §20). */
export const settingsRoutes: FastifyPluginAsync<{ context: ServerContext }> = async (app, { context }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const service = new SettingsService({
    filePath: context.settingsFile,
    holder: context.liveSettings,
    env: process.env,
    log: context.log,
  });

  r.get(
    '/v1.0/settings',
    {
      config: adminOnly,
      schema: {
        tags: ['Settings'],
        summary: 'Read the settings file',
        description:
          'The settings file with every default filled in and every secret as `****`. Values set by `TEMPO_*` variables win over the file and are listed in `environmentOverrides`.',
        response: { 200: SettingsReadResponse, ...errors, 409: ErrorBody },
      },
    },
    () => service.read(),
  );

  r.get(
    '/v1.0/settings/meta',
    {
      config: adminOnly,
      schema: {
        tags: ['Settings'],
        summary: 'Which settings sections need a restart',
        response: { 200: SettingsMetaResponse, ...errors },
      },
    },
    () => service.meta(),
  );

  r.put(
    '/v1.0/settings',
    {
      config: adminOnly,
      schema: {
        tags: ['Settings'],
        summary: 'Save the settings file',
        description:
          'The body is the whole settings file, checked like the file itself (400 names the field). A secret sent as `****` keeps its stored value. The file is replaced atomically; the sections in `hotReloadSections` apply at once, the others after a restart (`rebootRequired`). Changes that weaken a protection are listed in `warnings` and audited.',
        body: TempoSettings,
        response: { 200: SettingsSaveResponse, ...errors, 409: ErrorBody, 500: ErrorBody },
      },
    },
    (request) => {
      const { principal } = request;
      const usesApiKey = principal.kind === 'administrator' && principal.method === 'apiKey';
      return service.save(request.body, usesApiKey);
    },
  );
};
