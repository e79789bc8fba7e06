import { OperationType, type PermissionType, ResourceType } from '@tempo/contracts';

/** A permission as the privilege rules read it. */
export interface PermissionGrant {
  readonly resourceTypes: readonly ResourceType[];
  readonly operationTypes: readonly OperationType[];
  readonly permissionType: PermissionType;
}

/**
 * What someone may do in one tenant: everything (a global administrator), everything in the
 * tenant (a tenant administrator), or the resource/operation pairs their active roles grant.
 */
export type Holding =
  | { readonly kind: 'global' }
  | { readonly kind: 'tenantAdmin' }
  | { readonly kind: 'roles'; readonly pairs: ReadonlySet<string> };

const RESOURCES = ResourceType.options.filter((resource) => resource !== 'All');
const OPERATIONS = OperationType.options.filter((operation) => operation !== 'All');

const pairKey = (resource: ResourceType, operation: OperationType): string => `${resource}/${operation}`;

const covers = <T extends string>(granted: readonly T[], wanted: T): boolean =>
  granted.includes('All' as T) || granted.includes(wanted);

/** Whether the permissions allow `operation` on `resource`: one must match, and an explicit Deny wins. */
export const allows = (
  permissions: readonly PermissionGrant[],
  resource: ResourceType,
  operation: OperationType,
): boolean => {
  const matching = permissions.filter(
    (p) => covers(p.resourceTypes, resource) && covers(p.operationTypes, operation),
  );
  return matching.length > 0 && matching.every((p) => p.permissionType === 'Permit');
};

/** Every concrete pair (no `All`) the permissions allow together. */
export const pairsAllowed = (permissions: readonly PermissionGrant[]): ReadonlySet<string> => {
  const pairs = new Set<string>();
  for (const resource of RESOURCES) {
    for (const operation of OPERATIONS) {
      if (allows(permissions, resource, operation)) pairs.add(pairKey(resource, operation));
    }
  }
  return pairs;
};

/** Every concrete pair one permission names, whether it permits or denies them. */
export const pairsNamed = (permission: PermissionGrant): readonly string[] =>
  RESOURCES.filter((resource) => covers(permission.resourceTypes, resource)).flatMap((resource) =>
    OPERATIONS.filter((operation) => covers(permission.operationTypes, operation)).map((operation) =>
      pairKey(resource, operation),
    ),
  );

/** Why a caller may not hand out or change a permission, or null when it may. */
export const permissionRefusal = (caller: Holding, permission: PermissionGrant): string | null => {
  if (caller.kind !== 'roles') return null;
  // Removing or loosening a Deny widens what its holders may do, so only administrators touch one.
  if (permission.permissionType === 'Deny')
    return 'Deny permissions can be created, changed, attached or removed only by a tenant administrator.';
  const missing = pairsNamed(permission).filter((pair) => !caller.pairs.has(pair));
  return missing.length === 0
    ? null
    : `The permission grants what you do not hold yourself: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}.`;
};

/**
 * Whether `caller` holds at least everything `target` holds: global administrators are above
 * everyone and only below each other; tenant administrators are above every role-based user.
 */
export const dominates = (caller: Holding, target: Holding): boolean => {
  if (caller.kind === 'global') return true;
  if (target.kind === 'global') return false;
  if (caller.kind === 'tenantAdmin') return true;
  if (target.kind === 'tenantAdmin') return false;
  for (const pair of target.pairs) if (!caller.pairs.has(pair)) return false;
  return true;
};
