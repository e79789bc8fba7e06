import type { FastifyPluginAsync } from 'fastify';
import { auditPlugin } from '../audit/audit-plugin.ts';
import type { ServerContext } from '../server-context.ts';
import { artifactRoutes } from './artifact-routes.ts';
import { definitionRoutes } from './definition-routes.ts';
import { healthRoutes } from './health-routes.ts';
import { identityRoutes } from './identity-routes.ts';
import { logViewerRoutes } from './log-viewer-routes.ts';
import { requestHistoryRoutes } from './request-history-routes.ts';
import { runLogRoutes } from './run-log-routes.ts';
import { runRoutes } from './run-routes.ts';
import { runtimeRoutes } from './runtime-routes.ts';
import { settingsRoutes } from './settings-routes.ts';
import { tokenRoutes } from './token-routes.ts';
import { triggerRoutes } from './trigger-routes.ts';
import { workerRoutes } from './worker-routes.ts';

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
  runLogRoutes,
  triggerRoutes,
  requestHistoryRoutes,
  workerRoutes,
  logViewerRoutes,
  settingsRoutes,
];
