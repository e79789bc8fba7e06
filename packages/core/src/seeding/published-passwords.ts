import { hashPassword, verifyPassword } from '../auth/index.ts';
import type { Repositories } from '../store/index.ts';

/** The password the `hydration` settings default to and the docs published for the seeded accounts. */
export const PUBLISHED_SEED_PASSWORD = 'password';

/** Which seeded account a password belongs to. */
export type SeededAccountKind = 'administrator' | 'user';

/**
 * What {@link replacePublishedSeedPassword} found: `absent` (not seeded yet, so seeding will use
 * the settings' value), `replaced` (it held the published password and now holds the new one),
 * `changed` (its owner already chose another password, which is kept).
 */
export type SeedPasswordOutcome = 'absent' | 'replaced' | 'changed';

/**
 * Gives a seeded account a new password if it still has {@link PUBLISHED_SEED_PASSWORD}. Only the
 * protected (seeded) user row is looked at, never a tenant's own user with the same email. The
 * token version is raised as any password change does, so a token signed in with the published
 * password stops working too.
 */
export const replacePublishedSeedPassword = async (
  repositories: Repositories,
  account: { readonly kind: SeededAccountKind; readonly email: string },
  replacement: string,
): Promise<SeedPasswordOutcome> => {
  const email = account.email.trim().toLowerCase();
  if (account.kind === 'administrator') {
    const admin = await repositories.administrators.findOne({ email });
    if (!admin) return 'absent';
    if (!(await verifyPassword(PUBLISHED_SEED_PASSWORD, admin.passwordHash))) return 'changed';
    await repositories.administrators.update(admin.id, {
      passwordHash: await hashPassword(replacement),
      tokenVersion: admin.tokenVersion + 1,
    });
    return 'replaced';
  }
  const seeded = (await repositories.users.findAcrossTenants({ email }, 100)).filter(
    (user) => user.isProtected,
  );
  if (seeded.length === 0) return 'absent';
  let outcome: SeedPasswordOutcome = 'changed';
  for (const user of seeded) {
    if (!(await verifyPassword(PUBLISHED_SEED_PASSWORD, user.passwordHash))) continue;
    await repositories.users.inTenant(user.tenantId).update(user.id, {
      passwordHash: await hashPassword(replacement),
      tokenVersion: user.tokenVersion + 1,
    });
    outcome = 'replaced';
  }
  return outcome;
};
