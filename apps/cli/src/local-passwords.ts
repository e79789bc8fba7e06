import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TempoSettings } from '@tempo/contracts';
import {
  PUBLISHED_SEED_PASSWORD,
  replacePublishedSeedPassword,
  type SeededAccountKind,
  type SeedPasswordOutcome,
} from '@tempo/core/seeding';
import {
  envNameOf,
  loadSettings,
  resolveSettingsPaths,
  SettingsError,
  saveSettings,
} from '@tempo/core/settings';
import { openDatabase } from '@tempo/core/store';

/** Random bytes in a generated password: 144 bits, 24 base64url characters. */
const PASSWORD_BYTES = 18;

/** A fresh password for a seeded account: 18 bytes from the CSPRNG, base64url. */
export const generateSeedPassword = (): string => randomBytes(PASSWORD_BYTES).toString('base64url');

type PasswordField = 'defaultAdminPassword' | 'defaultUserPassword';

/** One seeded account `up` looks after. */
interface SeededAccount {
  readonly kind: SeededAccountKind;
  readonly role: string;
  readonly emailOf: (settings: TempoSettings) => string;
  readonly field: PasswordField;
}

const ACCOUNTS: readonly SeededAccount[] = [
  {
    kind: 'administrator',
    role: 'global administrator',
    emailOf: (settings) => settings.hydration.defaultAdminEmail,
    field: 'defaultAdminPassword',
  },
  {
    kind: 'user',
    role: 'tenant administrator',
    emailOf: (settings) => settings.hydration.defaultUserEmail,
    field: 'defaultUserPassword',
  },
];

/**
 * What {@link prepareSeedPasswords} did for one account: `created` and `replaced` carry a
 * password nobody has seen yet (shown once); `kept` leaves the file's value and the account as
 * they are; `variable` means the environment sets the password.
 */
export type SeedPasswordState =
  | { readonly kind: 'created'; readonly password: string }
  | { readonly kind: 'replaced'; readonly password: string }
  | { readonly kind: 'kept' }
  | { readonly kind: 'variable'; readonly variable: string };

/** A seeded account's email, role, setting and state, in the order they are printed. */
export interface SeedPasswordReport {
  readonly email: string;
  readonly role: string;
  readonly setting: string;
  readonly state: SeedPasswordState;
}

/** Asks the database what became of each account whose password is the published one. */
const checkAccounts = async (
  settings: TempoSettings,
  pending: ReadonlyMap<SeededAccount, string>,
): Promise<Map<SeededAccount, SeedPasswordOutcome>> => {
  const outcomes = new Map<SeededAccount, SeedPasswordOutcome>();
  const { database: options } = settings;
  // No database yet: nothing is seeded, the server seeds the accounts with the new values.
  if (options.type === 'Sqlite' && (options.filename === ':memory:' || !existsSync(options.filename))) {
    for (const account of pending.keys()) outcomes.set(account, 'absent');
    return outcomes;
  }
  const database = await openDatabase(options);
  try {
    // The same migrations the server applies next: an older database may lack `tokenVersion`.
    await database.migrate();
    for (const [account, password] of pending) {
      const email = account.emailOf(settings);
      outcomes.set(
        account,
        await replacePublishedSeedPassword(database.repositories, { kind: account.kind, email }, password),
      );
    }
  } finally {
    await database.close();
  }
  return outcomes;
};

/**
 * Keeps the published password away from `up`'s seeded accounts. A settings file that still holds
 * {@link PUBLISHED_SEED_PASSWORD} for an account (every file before this, and the defaults) gets a
 * random one; the account gets it too when it does not exist yet (seeding uses the file's value)
 * or still has the published password (checked against its stored hash). An account whose owner
 * chose another password keeps it. Like the administrator key, this is automatic because
 * `password` was never the operator's choice. Runs with the data folder locked, after the
 * settings file exists and before the server opens the database.
 * @throws SettingsError when a variable sets the published password.
 */
export const prepareSeedPasswords = async (
  settingsFile: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<readonly SeedPasswordReport[]> => {
  // The file alone decides what is rewritten; the effective settings say where the database is.
  const { settings: fromFile } = loadSettings({ filePath: settingsFile });
  const effective = resolveSettingsPaths(
    loadSettings({ filePath: settingsFile, env }).settings,
    dirname(settingsFile),
  );
  const pending = new Map<SeededAccount, string>();
  const variables = new Map<SeededAccount, string>();
  for (const account of ACCOUNTS) {
    const variable = envNameOf(['hydration', account.field]);
    const value = env[variable];
    if (value === undefined) {
      if (fromFile.hydration[account.field] === PUBLISHED_SEED_PASSWORD)
        pending.set(account, generateSeedPassword());
    } else if (value.trim() === PUBLISHED_SEED_PASSWORD) {
      throw new SettingsError(
        `${variable}: hydration.${account.field} is "${PUBLISHED_SEED_PASSWORD}", the password published in Tempo's documentation, so anyone reaching the server could sign in with it: unset the variable to use the random password ./tempo up keeps in its settings file, or set a random one.`,
        `hydration.${account.field}`,
        variable,
      );
    } else {
      variables.set(account, variable);
    }
  }
  const outcomes = pending.size > 0 ? await checkAccounts(effective, pending) : new Map();
  if (pending.size > 0) {
    const hydration = { ...fromFile.hydration };
    for (const [account, password] of pending) hydration[account.field] = password;
    // Even for an account whose owner changed its password: a database created again later is
    // seeded from this file, and must not get the published password back.
    saveSettings(settingsFile, { ...fromFile, hydration });
  }
  return ACCOUNTS.map((account): SeedPasswordReport => {
    const report = {
      email: account.emailOf(effective),
      role: account.role,
      setting: `hydration.${account.field}`,
    };
    const variable = variables.get(account);
    if (variable !== undefined) return { ...report, state: { kind: 'variable', variable } };
    const password = pending.get(account);
    const outcome = outcomes.get(account);
    // A new password is only worth showing when seeding will use it (and seeding is on).
    if (password !== undefined && outcome === 'absent' && effective.hydration.seedDefaults)
      return { ...report, state: { kind: 'created', password } };
    if (password !== undefined && outcome === 'replaced')
      return { ...report, state: { kind: 'replaced', password } };
    return { ...report, state: { kind: 'kept' } };
  });
};

/** The start-up line of one seeded account, after {@link prepareSeedPasswords}. */
export const describeSeedPassword = (report: SeedPasswordReport, settingsFile: string): string => {
  const { email, role, setting, state } = report;
  const signIn = `tempo: up: sign in as ${email} (${role})`;
  switch (state.kind) {
    case 'created':
      return `${signIn} / ${state.password} (generated on this first start and shown once; it is ${setting} in ${settingsFile}, owner-only)`;
    case 'replaced':
      return `${signIn} / ${state.password} (shown once: the account still had the published password "${PUBLISHED_SEED_PASSWORD}", which anyone could use, so it now has this random one, also ${setting} in ${settingsFile})`;
    case 'kept':
      return `${signIn} with its password: the one it was created with is ${setting} in ${settingsFile} (owner-only), unless it was changed since`;
    case 'variable':
      return `${signIn} with its password: the one it was created with is set by ${state.variable}, unless it was changed since`;
  }
};
