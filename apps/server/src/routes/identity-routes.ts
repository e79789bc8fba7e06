import type { FastifyPluginAsync } from 'fastify';
import { registerCrudRoutes } from '../resources/crud-routes.ts';
import { accountResource, administratorResource, tenantResource } from '../resources/global-identity.ts';
import {
  registerRoleMapListings,
  rolePermissionMapResource,
  userRoleMapResource,
} from '../resources/role-maps.ts';
import {
  credentialResource,
  permissionResource,
  roleResource,
  userResource,
} from '../resources/tenant-identity.ts';
import type { ServerContext } from '../server-context.ts';

/** Accounts, administrators, tenants, users, credentials, roles, permissions and their links. */
export const identityRoutes: FastifyPluginAsync<{ context: ServerContext }> = async (app, { context }) => {
  registerCrudRoutes(app, context, accountResource);
  registerCrudRoutes(app, context, administratorResource);
  registerCrudRoutes(app, context, tenantResource);
  registerCrudRoutes(app, context, userResource);
  registerCrudRoutes(app, context, credentialResource);
  registerCrudRoutes(app, context, roleResource);
  registerCrudRoutes(app, context, permissionResource);
  registerCrudRoutes(app, context, userRoleMapResource);
  registerCrudRoutes(app, context, rolePermissionMapResource);
  registerRoleMapListings(app, context);
};
