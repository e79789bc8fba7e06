/** @tempo/server: the Fastify control plane. */
export { buildApp } from './app.ts';
export { apiRouteTableOf, withRouteTable } from './docs/api-route-table.ts';
export { buildOpenApiDocument } from './docs/openapi-document.ts';
export { type PostmanCollection, postmanCollectionOf } from './docs/postman-collection.ts';
export { createServerContext, type ServerContext } from './server-context.ts';
export { SERVER_VERSION } from './server-version.ts';
export { type RunningServer, type StartServerOptions, startServer } from './start-server.ts';
