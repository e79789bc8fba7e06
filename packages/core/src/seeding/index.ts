/** Start-up seeding: default tenant, identities, built-in roles, sample steps, hydration file. */

export {
  PUBLISHED_SEED_PASSWORD,
  replacePublishedSeedPassword,
  type SeededAccountKind,
  type SeedPasswordOutcome,
} from './published-passwords.ts';
export { BUILT_IN_ROLES, ensureRbacDefaults } from './rbac-defaults.ts';
export type { SampleStep } from './sample-step.ts';
export {
  type HydrationOptions,
  type SeedDependencies,
  type SeedLogger,
  type SeedReport,
  seedDatabase,
} from './seed-database.ts';
export { stableSeedId } from './stable-id.ts';
