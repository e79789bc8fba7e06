import type { OperationType } from '@tempo/contracts';
import { newId } from '../ids/index.ts';
import type { Repositories } from '../store/index.ts';

/** One built-in role and the permission it is linked to. */
interface BuiltInRole {
  readonly name: string;
  readonly description: string;
  readonly permissionName: string;
  readonly operations: readonly OperationType[];
}

/** The four protected roles every tenant has, with their permissions (spec: data model §11). */
export const BUILT_IN_ROLES: readonly BuiltInRole[] = [
  {
    name: 'Administrator',
    description: 'Full access to all resources.',
    permissionName: 'permit all',
    operations: ['All'],
  },
  {
    name: 'Editor',
    description: 'Create, read, update, and execute; cannot delete tenants, users, or credentials.',
    permissionName: 'editor - create/read/update/execute',
    operations: ['Create', 'Read', 'Update', 'Execute'],
  },
  {
    name: 'Operator',
    description: 'Read, execute, and view runs. Cannot modify definitions.',
    permissionName: 'operator - read/execute',
    operations: ['Read', 'Execute'],
  },
  {
    name: 'ReadOnly',
    description: 'Read-only access.',
    permissionName: 'readonly - read',
    operations: ['Read'],
  },
];

/** Whether a tenant lacks any of the four built-in roles. */
export const missesBuiltInRoles = async (repositories: Repositories, tenantId: string): Promise<boolean> => {
  const roles = repositories.roles.inTenant(tenantId);
  for (const role of BUILT_IN_ROLES) {
    if (!(await roles.findOne({ name: role.name }))) return true;
  }
  return false;
};

/**
 * Ensures the four built-in roles, their permissions and the links between them in a tenant,
 * matching existing roles and permissions by name. Returns the role ids by name.
 */
export const ensureRbacDefaults = async (
  repositories: Repositories,
  tenantId: string,
): Promise<ReadonlyMap<string, string>> => {
  const roles = repositories.roles.inTenant(tenantId);
  const permissions = repositories.permissions.inTenant(tenantId);
  const links = repositories.rolePermissionMaps.inTenant(tenantId);
  const roleIds = new Map<string, string>();
  for (const spec of BUILT_IN_ROLES) {
    const role =
      (await roles.findOne({ name: spec.name })) ??
      (await roles.create({
        id: newId('role'),
        name: spec.name,
        description: spec.description,
        isProtected: true,
      }));
    const permission =
      (await permissions.findOne({ name: spec.permissionName })) ??
      (await permissions.create({
        id: newId('permission'),
        name: spec.permissionName,
        resourceTypes: ['All'],
        operationTypes: [...spec.operations],
        permissionType: 'Permit',
        isProtected: true,
      }));
    if (!(await links.findOne({ roleId: role.id, permissionId: permission.id }))) {
      await links.create({
        id: newId('rolePermissionMap'),
        roleId: role.id,
        permissionId: permission.id,
        isProtected: true,
      });
    }
    roleIds.set(spec.name, role.id);
  }
  return roleIds;
};
