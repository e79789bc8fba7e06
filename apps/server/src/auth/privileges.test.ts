import { OperationType, ResourceType } from '@tempo/contracts';
import { describe, expect, it } from 'vitest';
import {
  allows,
  dominates,
  type Holding,
  type PermissionGrant,
  pairsAllowed,
  pairsNamed,
  permissionRefusal,
} from './privileges.ts';

// The spec's Permit/Deny evaluation: a matching permission is needed, `All` covers every value,
// and an explicit Deny among the matching ones wins.

const permit = (
  resourceTypes: PermissionGrant['resourceTypes'],
  operationTypes: PermissionGrant['operationTypes'],
): PermissionGrant => ({ resourceTypes, operationTypes, permissionType: 'Permit' });
const deny = (
  resourceTypes: PermissionGrant['resourceTypes'],
  operationTypes: PermissionGrant['operationTypes'],
): PermissionGrant => ({ resourceTypes, operationTypes, permissionType: 'Deny' });
const roles = (...pairs: string[]): Holding => ({ kind: 'roles', pairs: new Set(pairs) });

describe('allows', () => {
  it('refuses when no permission matches, and with no permissions at all', () => {
    expect(allows([], 'DataFlow', 'Read')).toBe(false);
    expect(allows([permit(['Step'], ['Read'])], 'DataFlow', 'Read')).toBe(false);
    expect(allows([permit(['DataFlow'], ['Update'])], 'DataFlow', 'Read')).toBe(false);
  });

  it('allows a Permit that names the resource and the operation, or All of either', () => {
    expect(allows([permit(['DataFlow'], ['Read'])], 'DataFlow', 'Read')).toBe(true);
    expect(allows([permit(['All'], ['Read'])], 'DataFlow', 'Read')).toBe(true);
    expect(allows([permit(['DataFlow'], ['All'])], 'DataFlow', 'Execute')).toBe(true);
    expect(allows([permit(['Step', 'DataFlow'], ['Create', 'Read'])], 'DataFlow', 'Read')).toBe(true);
  });

  it('lets a matching Deny win over any Permit, whatever the order', () => {
    expect(allows([permit(['All'], ['All']), deny(['DataFlow'], ['Delete'])], 'DataFlow', 'Delete')).toBe(
      false,
    );
    expect(allows([deny(['DataFlow'], ['Delete']), permit(['All'], ['All'])], 'DataFlow', 'Delete')).toBe(
      false,
    );
    expect(allows([deny(['All'], ['Delete'])], 'DataFlow', 'Delete')).toBe(false);
  });

  it('ignores a Deny that does not match the pair asked about', () => {
    const grants = [permit(['All'], ['All']), deny(['DataFlow'], ['Delete'])];
    expect(allows(grants, 'DataFlow', 'Read')).toBe(true);
    expect(allows(grants, 'Step', 'Delete')).toBe(true);
  });
});

describe('pairsAllowed and pairsNamed', () => {
  it('lists the concrete pairs the permissions allow together, Deny subtracted', () => {
    const pairs = pairsAllowed([permit(['DataFlow'], ['All']), deny(['DataFlow'], ['Delete'])]);
    expect([...pairs].sort()).toEqual([
      'DataFlow/Create',
      'DataFlow/Execute',
      'DataFlow/Read',
      'DataFlow/Update',
    ]);
    expect(pairsAllowed([]).size).toBe(0);
  });

  it('expands All to every concrete value and never lists All itself', () => {
    const all = pairsAllowed([permit(['All'], ['All'])]);
    // Every concrete resource by every concrete operation (`All` is neither).
    expect(all.size).toBe((ResourceType.options.length - 1) * (OperationType.options.length - 1));
    expect([...all].some((pair) => pair.includes('All'))).toBe(false);
    expect(all.has('Artifact/Execute')).toBe(true);
  });

  it('names the pairs of one permission, Permit or Deny', () => {
    expect(pairsNamed(deny(['Step', 'Trigger'], ['Read']))).toEqual(['Step/Read', 'Trigger/Read']);
    expect(pairsNamed(permit(['FlowRun'], ['All']))).toEqual([
      'FlowRun/Create',
      'FlowRun/Read',
      'FlowRun/Update',
      'FlowRun/Delete',
      'FlowRun/Execute',
    ]);
    expect(pairsNamed(permit(['All'], ['Read']))).toHaveLength(ResourceType.options.length - 1);
  });
});

describe('permissionRefusal', () => {
  it('lets administrators hand out anything', () => {
    expect(permissionRefusal({ kind: 'global' }, deny(['All'], ['All']))).toBeNull();
    expect(permissionRefusal({ kind: 'tenantAdmin' }, permit(['All'], ['All']))).toBeNull();
  });

  it('keeps every Deny to tenant administrators', () => {
    expect(permissionRefusal(roles('Step/Read'), deny(['Step'], ['Read']))).toBe(
      'Deny permissions can be created, changed, attached or removed only by a tenant administrator.',
    );
  });

  it('lets a role-based caller hand out only what it holds itself', () => {
    expect(permissionRefusal(roles('Step/Read', 'Step/Update'), permit(['Step'], ['Read']))).toBeNull();
    expect(permissionRefusal(roles('Step/Read'), permit(['Step'], ['Read', 'Delete']))).toBe(
      'The permission grants what you do not hold yourself: Step/Delete.',
    );
  });

  it('names at most five missing pairs', () => {
    expect(permissionRefusal(roles(), permit(['Step'], ['All']))).toBe(
      'The permission grants what you do not hold yourself: Step/Create, Step/Read, Step/Update, Step/Delete, Step/Execute.',
    );
    expect(permissionRefusal(roles(), permit(['Step', 'Trigger'], ['All']))).toBe(
      'The permission grants what you do not hold yourself: Step/Create, Step/Read, Step/Update, Step/Delete, Step/Execute, ….',
    );
  });
});

describe('dominates', () => {
  it('puts global administrators above everyone and only level with each other', () => {
    expect(dominates({ kind: 'global' }, { kind: 'global' })).toBe(true);
    expect(dominates({ kind: 'tenantAdmin' }, { kind: 'global' })).toBe(false);
    expect(dominates(roles('Step/Read'), { kind: 'global' })).toBe(false);
  });

  it('puts tenant administrators above every role-based user', () => {
    expect(dominates({ kind: 'tenantAdmin' }, roles('Step/Read'))).toBe(true);
    expect(dominates({ kind: 'tenantAdmin' }, { kind: 'tenantAdmin' })).toBe(true);
    expect(dominates(roles('Step/Read'), { kind: 'tenantAdmin' })).toBe(false);
  });

  it('compares role-based holdings pair by pair', () => {
    expect(dominates(roles('Step/Read', 'Step/Update'), roles('Step/Read'))).toBe(true);
    expect(dominates(roles('Step/Read'), roles('Step/Read', 'Step/Update'))).toBe(false);
    expect(dominates(roles(), roles())).toBe(true);
  });
});
