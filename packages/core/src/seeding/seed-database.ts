import { hashPassword, issueCredentialKeys } from '../auth/index.ts';
import { newId } from '../ids/index.ts';
import type { Repositories } from '../store/index.ts';
import { loadHydrationFile } from './hydration-file.ts';
import { ensureRbacDefaults, missesBuiltInRoles } from './rbac-defaults.ts';
import { ensureSampleStep, type SampleStep } from './sample-step.ts';

/** The `hydration` settings seeding follows. */
export interface HydrationOptions {
  readonly seedDefaults: boolean;
  readonly defaultTenantName: string;
  readonly defaultAdminEmail: string;
  readonly defaultAdminPassword: string;
  readonly defaultUserEmail: string;
  readonly defaultUserPassword: string;
  /** Absolute path of an optional JSON file of flows, steps and triggers to load. */
  readonly hydrationFile: string | null;
}

/** The structured logger seeding reports to (pino-compatible). */
export interface SeedLogger {
  info(context: object, message: string): void;
  warn(context: object, message: string): void;
}

/** What a seeding pass needs. */
export interface SeedDependencies {
  readonly repositories: Repositories;
  readonly log: SeedLogger;
  /** Sample steps for the runtimes available on this host; ensured per tenant. */
  readonly sampleSteps?: readonly SampleStep[];
  /** `auth.credentialHashKey`: the seeded credential's keys are stored under it, as every credential's are. */
  readonly credentialHashKey: string;
}

/** What a seeding pass did. */
export interface SeedReport {
  /** True when the database was empty and the defaults were created. */
  readonly createdDefaults: boolean;
  readonly defaultTenantId: string | null;
  /**
   * The seeded credential's access key, only on the pass that created it: its hash is all the
   * database keeps, so this is the one chance to show it to the operator.
   */
  readonly seededAccessKey: string | null;
  /** Tenants whose built-in roles were re-created. */
  readonly rbacRepairedTenantIds: readonly string[];
}

const createDefaults = async (
  repositories: Repositories,
  options: HydrationOptions,
  credentialHashKey: string,
) => {
  const tenant = await repositories.tenants.create({
    id: newId('tenant'),
    name: options.defaultTenantName,
    isProtected: true,
  });
  const adminEmail = options.defaultAdminEmail.trim().toLowerCase();
  if (!(await repositories.administrators.findOne({ email: adminEmail }))) {
    await repositories.administrators.create({
      id: newId('administrator'),
      email: adminEmail,
      passwordHash: await hashPassword(options.defaultAdminPassword),
      firstName: 'System',
      lastName: 'Admin',
      isProtected: true,
    });
  }
  const user = await repositories.users.inTenant(tenant.id).create({
    id: newId('user'),
    email: options.defaultUserEmail.trim().toLowerCase(),
    passwordHash: await hashPassword(options.defaultUserPassword),
    firstName: 'Default',
    lastName: 'User',
    isTenantAdmin: true,
    isProtected: true,
  });
  // The secret key is not shown: it authenticates nothing, and the operator can issue a new credential.
  const keys = issueCredentialKeys(credentialHashKey);
  await repositories.credentials.inTenant(tenant.id).create({
    id: newId('credential'),
    userId: user.id,
    name: 'default',
    accessKeySha256: keys.accessKeySha256,
    accessKeyHint: keys.accessKeyHint,
    secretKeySha256: keys.secretKeySha256,
    isProtected: true,
  });
  const roleIds = await ensureRbacDefaults(repositories, tenant.id);
  const administratorRoleId = roleIds.get('Administrator');
  if (administratorRoleId) {
    await repositories.userRoleMaps.inTenant(tenant.id).create({
      id: newId('userRoleMap'),
      userId: user.id,
      roleId: administratorRoleId,
      isProtected: true,
    });
  }
  return { tenantId: tenant.id, accessKey: keys.accessKey };
};

/**
 * Seeds the database at start-up, idempotently: on an empty database the default tenant,
 * administrator, user, credential and roles; on a database with tenants, the built-in roles
 * where any is missing; then the sample steps per tenant and the optional hydration file.
 */
export const seedDatabase = async (
  deps: SeedDependencies,
  options: HydrationOptions,
): Promise<SeedReport> => {
  const { repositories, log } = deps;
  const empty = (await repositories.tenants.count()) === 0;
  let created: { tenantId: string; accessKey: string } | null = null;
  const repaired: string[] = [];
  if (empty && options.seedDefaults) {
    created = await createDefaults(repositories, options, deps.credentialHashKey);
    log.info({ tenantId: created.tenantId }, 'seeded the default tenant, administrator, user and roles');
  } else {
    for (const tenant of await repositories.tenants.find()) {
      if (await missesBuiltInRoles(repositories, tenant.id)) {
        await ensureRbacDefaults(repositories, tenant.id);
        repaired.push(tenant.id);
        log.info({ tenantId: tenant.id }, 're-created missing built-in roles');
      }
    }
  }
  const tenants = await repositories.tenants.find();
  for (const tenant of tenants) {
    for (const sample of deps.sampleSteps ?? []) {
      if ((await ensureSampleStep(repositories, tenant.id, sample)) === 'KeyTaken') {
        log.info(
          { tenantId: tenant.id, executionKey: sample.executionKey },
          'sample step key is taken by a tenant step; left unchanged',
        );
      }
    }
  }
  const defaultTenant =
    tenants.find((tenant) => tenant.id === created?.tenantId) ??
    tenants.find((tenant) => tenant.name === options.defaultTenantName) ??
    tenants[0] ??
    null;
  if (options.hydrationFile && defaultTenant) {
    await loadHydrationFile(repositories, log, options.hydrationFile, defaultTenant.id);
  }
  return {
    createdDefaults: created !== null,
    defaultTenantId: defaultTenant?.id ?? null,
    seededAccessKey: created?.accessKey ?? null,
    rbacRepairedTenantIds: repaired,
  };
};
