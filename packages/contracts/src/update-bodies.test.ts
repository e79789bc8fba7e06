import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as contracts from './index.ts';

const updateBodies = Object.entries(contracts as Record<string, unknown>).filter(
  (entry): entry is [string, z.ZodType] =>
    /^Update\w*Request$/.test(entry[0]) && entry[1] instanceof z.ZodType,
);

describe('update bodies', () => {
  it('are found (the scan below would pass vacuously otherwise)', () => {
    expect(updateBodies.map(([name]) => name)).toEqual(
      expect.arrayContaining(['UpdatePermissionRequest', 'UpdateUserRequest', 'UpdateTenantRequest']),
    );
  });

  it.each(updateBodies)('%s fills in no field the caller did not send', (_name, schema) => {
    const parsed = schema.safeParse({});
    // Some update bodies need a field (a graph, say); those that accept `{}` must change nothing.
    if (parsed.success) expect(parsed.data).toEqual({});
  });

  it('keeps a renamed Deny permission a narrow Deny', () => {
    expect(contracts.UpdatePermissionRequest.parse({ name: 'renamed' })).toEqual({ name: 'renamed' });
  });

  it('still validates the fields that are sent', () => {
    expect(contracts.UpdatePermissionRequest.safeParse({ permissionType: 'Maybe' }).success).toBe(false);
    expect(contracts.UpdateUserRequest.safeParse({ email: 'not an email' }).success).toBe(false);
  });
});
