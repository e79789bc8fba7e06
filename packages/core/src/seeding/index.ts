/** Start-up seeding: default tenant, identities, built-in roles, sample steps, hydration file. */
export { BUILT_IN_ROLES, ensureRbacDefaults } from './rbac-defaults.ts';
export {
  type HydrationOptions,
  type SampleStep,
  type SeedDependencies,
  type SeedLogger,
  type SeedReport,
  seedDatabase,
} from './seed-database.ts';
export { stableSeedId } from './stable-id.ts';
