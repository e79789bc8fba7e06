import type { WorkerCapability } from '@tempo/contracts';

/** What a capability is compared on; `executionKey` is carried but not compared (spec §6, as in v0.3.0). */
export type ComparedCapability = Pick<
  WorkerCapability,
  'tenantScope' | 'sourceKind' | 'runtimeKey' | 'signatureHash'
>;

const isWildcard = (value: string): boolean => value === '' || value === '*';

/**
 * `sourceKind`, `runtimeKey` and `signatureHash`: an empty or `*` advertised value matches
 * anything; otherwise the two must be equal ignoring case, so a concrete advertised value never
 * matches an empty requirement.
 */
const fieldMatches = (advertised: string, required: string): boolean =>
  isWildcard(advertised) || (required !== '' && advertised.toLowerCase() === required.toLowerCase());

/** `tenantScope`: wildcard advertised, no scope required, or the same tenant (case-sensitive: ids are). */
const tenantMatches = (advertised: string, required: string): boolean =>
  isWildcard(advertised) || required === '' || advertised === required;

/** Whether one advertised capability covers one required capability (spec §6). */
export const capabilityCovers = (advertised: ComparedCapability, required: ComparedCapability): boolean =>
  fieldMatches(advertised.sourceKind, required.sourceKind) &&
  fieldMatches(advertised.runtimeKey, required.runtimeKey) &&
  fieldMatches(advertised.signatureHash, required.signatureHash) &&
  tenantMatches(advertised.tenantScope, required.tenantScope);

/**
 * Whether an executor's capabilities satisfy every required capability of a plan (spec §6). An
 * executor that advertises nothing is never eligible, even for a plan that requires nothing.
 */
export const capabilitiesSatisfy = (
  advertised: readonly ComparedCapability[],
  required: readonly ComparedCapability[],
): boolean =>
  advertised.length > 0 &&
  required.every((need) => advertised.some((offer) => capabilityCovers(offer, need)));
