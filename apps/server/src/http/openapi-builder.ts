import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import type { FastifyInstance, RouteOptions } from 'fastify';

/** The hooks `@fastify/swagger`'s dynamic mode adds to the instance it is registered on. */
interface SwaggerHooks {
  onRoute?: (route: RouteOptions) => void;
  onReady?: (done: (error?: Error) => void) => void;
}

/**
 * Runs `@fastify/swagger` (dynamic mode) over the routes `app` registered, loading it on the
 * first call. The plugin only adds `onRoute`, `onRegister` and `onReady` hooks and decorates its
 * document function, so it is given a stand-in for the instance and the recorded routes are
 * replayed into it: registered on the API itself, it and `yaml` would cost about 50 ms of every
 * start, and Fastify fixes its route set at start, so the plugin cannot join later.
 */
const runSwagger = async (
  app: FastifyInstance,
  routes: readonly RouteOptions[],
  options: FastifyDynamicSwaggerOptions,
): Promise<() => unknown> => {
  const { default: swagger } = await import('@fastify/swagger');
  const hooks: SwaggerHooks = {};
  let documentOf: unknown = null;
  const standIn = {
    addHook: (name: string, hook: unknown) => {
      if (name === 'onRoute') hooks.onRoute = hook as SwaggerHooks['onRoute'];
      if (name === 'onReady') hooks.onReady = hook as SwaggerHooks['onReady'];
    },
    decorate: (_name: string, value: unknown) => {
      documentOf = value;
    },
    // Schemas added with addSchema, which the document references; the API adds them on the root.
    getSchemas: () => app.getSchemas(),
  };
  await new Promise<void>((resolve, reject) =>
    // The stand-in has the three members the plugin uses; a change there fails the OpenAPI tests.
    swagger(standIn as unknown as FastifyInstance, options, (error) => (error ? reject(error) : resolve())),
  );
  const { onRoute, onReady } = hooks;
  if (!onRoute || !onReady || typeof documentOf !== 'function') {
    throw new Error(
      '@fastify/swagger no longer registers as apps/server/src/http/openapi-builder.ts expects.',
    );
  }
  for (const route of routes) onRoute(route);
  await new Promise<void>((resolve, reject) => onReady((error) => (error ? reject(error) : resolve())));
  return documentOf as () => unknown;
};

/**
 * Records every route `app` registers from now on and answers a function that builds the OpenAPI
 * document of them (once, on its first call, after the app is ready).
 */
export const openApiBuilder = (
  app: FastifyInstance,
  options: FastifyDynamicSwaggerOptions,
): (() => Promise<unknown>) => {
  const routes: RouteOptions[] = [];
  let ready = false;
  app.addHook('onRoute', (route) => {
    routes.push(route);
  });
  app.addHook('onReady', async () => {
    ready = true;
  });
  let built: Promise<() => unknown> | null = null;
  return async () => {
    if (!ready) throw new Error('The OpenAPI document is built once the app is ready.');
    built ??= runSwagger(app, routes, options);
    return (await built)();
  };
};
