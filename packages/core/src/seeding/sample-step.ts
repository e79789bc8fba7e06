import { newId } from '../ids/index.ts';
import type { InsertOf, Repositories, Tables } from '../store/index.ts';

/** A step definition seeding keeps present in every tenant (the runtime samples). */
export type SampleStep = Omit<InsertOf<typeof Tables.steps>, 'id' | 'tenantId'>;

/** What {@link ensureSampleStep} did with one sample in one tenant. */
export type SampleStepOutcome = 'Created' | 'Updated' | 'Unchanged' | 'KeyTaken';

/** Whether two stored values are equal as JSON: a property holding `undefined` counts as absent. */
export const sameJson = (left: unknown, right: unknown): boolean => {
  if (left === right) return true;
  if (typeof left !== 'object' || typeof right !== 'object' || left === null || right === null) return false;
  if (Array.isArray(left) || Array.isArray(right)) {
    return (
      Array.isArray(left) &&
      Array.isArray(right) &&
      left.length === right.length &&
      left.every((item, index) => sameJson(item, right[index]))
    );
  }
  const leftEntries = Object.entries(left).filter(([, value]) => value !== undefined);
  const rightRecord = right as Record<string, unknown>;
  const rightKeys = Object.keys(rightRecord).filter((key) => rightRecord[key] !== undefined);
  return (
    leftEntries.length === rightKeys.length &&
    leftEntries.every(([key, value]) => Object.hasOwn(rightRecord, key) && sameJson(value, rightRecord[key]))
  );
};

/** Whether every field a sample sets already holds the sample's value in the stored step. */
const storedMatches = (sample: SampleStep, stored: Record<string, unknown>): boolean =>
  Object.entries(sample).every(([key, value]) => value === undefined || sameJson(value, stored[key]));

/**
 * Ensures a sample step in a tenant: a protected one is overwritten (keeping id and creation
 * time) when it differs from the sample, an unprotected one with the same key is the tenant's
 * own and left alone. An unchanged sample is not written: every step write moves the definition
 * stamp, which makes every server sharing the database reload its definitions.
 */
export const ensureSampleStep = async (
  repositories: Repositories,
  tenantId: string,
  sample: SampleStep,
): Promise<SampleStepOutcome> => {
  const steps = repositories.steps.inTenant(tenantId);
  const existing = await steps.findOne({ executionKey: sample.executionKey });
  if (!existing) {
    await steps.create({ ...sample, id: newId('step') });
    return 'Created';
  }
  if (!existing.isProtected) return 'KeyTaken';
  const wanted: SampleStep = { ...sample, isProtected: true };
  if (storedMatches(wanted, existing)) return 'Unchanged';
  await steps.update(existing.id, wanted);
  return 'Updated';
};
