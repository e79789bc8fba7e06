import type { OperationType, ResourceType } from '@tempo/contracts';
import type { AccessRule } from '../auth/authorizer.ts';

/** Access of a tenant resource: tenant access plus RBAC on `resource` for each operation. */
export const tenantAccess =
  (resource: ResourceType) =>
  (operation: OperationType): AccessRule => ({ kind: 'tenant', resource, operation });

/** Access of an administrators-only resource. */
export const adminAccess = (): AccessRule => ({ kind: 'admin' });
