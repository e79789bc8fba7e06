/** @tempo/server: the Fastify control plane. */
export { buildApp } from './app.ts';
export { createServerContext, type ServerContext } from './server-context.ts';
export { SERVER_VERSION } from './server-version.ts';
export { type RunningServer, type StartServerOptions, startServer } from './start-server.ts';
