import { TempoSettings } from '@tempo/contracts';
import { createLogger } from '@tempo/core/logging';
import { BuiltinStepRegistry, RUNTIME_DESCRIPTIONS } from '@tempo/core/runtimes';
import { openDatabase } from '@tempo/core/store';
import { buildApp } from '../app.ts';
import { createExecutionServices } from '../execution-services.ts';
import { openApiDocumentOf } from '../http/openapi.ts';
import { registerSampleBuiltins } from '../sample-builtins.ts';
import { createServerContext } from '../server-context.ts';
import { SERVER_VERSION } from '../server-version.ts';
import type { OpenApiDocumentLike } from './openapi-operations.ts';

/**
 * The server's OpenAPI document, built in-process over an empty in-memory database without
 * listening, for exports (Postman) and route checks.
 */
export const buildOpenApiDocument = async (): Promise<OpenApiDocumentLike & Record<string, unknown>> => {
  const database = await openDatabase({ type: 'Sqlite', filename: ':memory:' });
  try {
    await database.migrate();
    const builtins = new BuiltinStepRegistry();
    registerSampleBuiltins(builtins);
    const settings = TempoSettings.parse({});
    const log = createLogger({ name: 'tempo-openapi', console: false, file: null });
    const { artifacts, runs, processHost } = createExecutionServices(
      settings,
      database.repositories,
      builtins,
      log,
    );
    const context = createServerContext({
      settings,
      repositories: database.repositories,
      log,
      runs,
      artifacts,
      processHost,
      builtins,
      runtimeCatalog: RUNTIME_DESCRIPTIONS.map((runtime) => ({
        ...runtime,
        availability: 'Available' as const,
      })),
      version: SERVER_VERSION,
    });
    const app = await buildApp(context);
    await app.ready();
    const document = (await openApiDocumentOf(app)) as OpenApiDocumentLike & Record<string, unknown>;
    await app.close();
    return document;
  } finally {
    await database.close();
  }
};
