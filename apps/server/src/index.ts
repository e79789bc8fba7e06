/** @tempo/server: the Fastify control plane. */
export { type AppDependencies, buildApp } from './app.ts';
export { SERVER_VERSION } from './server-version.ts';
export { type RunningServer, type StartServerOptions, startServer } from './start-server.ts';
