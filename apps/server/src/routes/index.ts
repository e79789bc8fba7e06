import type { FastifyPluginAsync } from 'fastify';
import { auditPlugin } from '../audit/audit-plugin.ts';
import type { ServerContext } from '../server-context.ts';
import { artifactRoutes } from './artifact-routes.ts';
import { definitionRoutes } from './definition-routes.ts';
import { healthRoutes } from './health-routes.ts';
import { identityRoutes } from './identity-routes.ts';
import { runRoutes } from './run-routes.ts';
import { runtimeRoutes } from './runtime-routes.ts';
import { tokenRoutes } from './token-routes.ts';
import { triggerRoutes } from './trigger-routes.ts';

/** Every route plugin, registered in this order; the audit plugin first, so its hooks see every route. */
export const routePlugins: readonly FastifyPluginAsync<{ context: ServerContext }>[] = [
  auditPlugin,
  healthRoutes,
  tokenRoutes,
  identityRoutes,
  definitionRoutes,
  artifactRoutes,
  runtimeRoutes,
  runRoutes,
  triggerRoutes,
];
