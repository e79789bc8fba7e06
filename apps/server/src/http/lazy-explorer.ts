import type { StaticDocumentSpec } from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';

/** Headers of the explorer host's answer that describe its own connection, not the content. */
const CONNECTION_HEADERS = new Set([
  'connection',
  'content-length',
  'date',
  'keep-alive',
  'transfer-encoding',
]);

/**
 * A private Fastify instance serving `@fastify/swagger-ui` at `prefix` over a fixed document
 * (`@fastify/swagger` in its static mode), built on the explorer's first request.
 */
const buildExplorerHost = async (prefix: string, document: unknown): Promise<FastifyInstance> => {
  const [{ default: swagger }, { default: swaggerUi }] = await Promise.all([
    import('@fastify/swagger'),
    import('@fastify/swagger-ui'),
  ]);
  const host = Fastify({ logger: false });
  // The static mode's types stop at OpenAPI 3.0; it serves the 3.1 object as given.
  const specification: StaticDocumentSpec = { document: document as StaticDocumentSpec['document'] };
  await host.register(swagger, { mode: 'static', specification });
  await host.register(swaggerUi, { routePrefix: prefix });
  await host.ready();
  return host;
};

/**
 * Serves the interactive explorer (its page, assets, `json` and `yaml`) at `prefix` and below.
 * `@fastify/swagger-ui` with `@fastify/static` costs about 40 ms of module loading and its own
 * routes at every start, and Fastify fixes its route set at start, so the API registers only
 * these two routes and hands their requests to a private instance made on first use.
 */
export const registerLazyExplorer = (
  app: FastifyInstance,
  prefix: string,
  document: () => Promise<unknown>,
): void => {
  let host: Promise<FastifyInstance> | null = null;
  app.addHook('onClose', async () => {
    if (host) await (await host).close();
  });
  const explore = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    host ??= document().then((built) => buildExplorerHost(prefix, built));
    // Always a GET: Fastify answers a HEAD from this route's GET answer, as for any route.
    const answer = await (await host).inject({ method: 'GET', url: request.url, headers: request.headers });
    // A missing asset gets the API's one not-found body, as it did when the explorer was part of it.
    if (answer.statusCode === 404) {
      reply.callNotFound();
      return reply;
    }
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined && !CONNECTION_HEADERS.has(name)) void reply.header(name, value);
    }
    // An empty answer (a redirect) stays without a body, and so without a content type.
    return reply.code(answer.statusCode).send(answer.rawPayload.length > 0 ? answer.rawPayload : undefined);
  };
  app.get(prefix, { schema: { hide: true } }, explore);
  app.get(`${prefix}/*`, { schema: { hide: true } }, explore);
};
