import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TempoClient } from '@tempo/client';
import { MIGRATIONS, openDatabase, Tables } from '@tempo/core/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, runTempo, startTempo } from './run-tempo.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tempo-cli-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The `database` section for one of the test databases started by `./tempo test`. */
const databaseSection = (type: 'Sqlite' | 'Postgresql' | 'Mysql', folder: string) => {
  if (type === 'Sqlite') return { type, filename: join(folder, 'migrate.db') };
  const prefix = type === 'Postgresql' ? 'TEMPO_TEST_PG' : 'TEMPO_TEST_MYSQL';
  const env = (name: string) => {
    const value = process.env[`${prefix}_${name}`];
    if (!value) throw new Error(`${prefix}_${name} is not set: run this suite through ./tempo test.`);
    return value;
  };
  return {
    type,
    server: env('HOST'),
    port: Number(env('PORT')),
    databaseName: env('NAME'),
    username: env('USER'),
    password: env('PASSWORD'),
  };
};

describe('./tempo', () => {
  it('--help lists every command', async () => {
    const result = await runTempo(['--help']);
    expect(result.code).toBe(0);
    for (const command of ['setup', 'up', 'server', 'worker', 'mcp', 'migrate', 'test']) {
      expect(result.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
  });

  it('refuses an unknown command and a bad flag with exit code 2', async () => {
    expect((await runTempo(['frobnicate'])).code).toBe(2);
    const badPort = await runTempo(['up', '--port', 'seventy']);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toContain('--port must be a whole number');
  });

  it.each(['Sqlite', 'Postgresql', 'Mysql'] as const)(
    'migrate works twice in a row against %s',
    async (type) => {
      const folder = join(dir, `migrate-${type}`);
      const settingsFile = join(dir, `migrate-${type}.json`);
      const database = databaseSection(type, folder);
      writeFileSync(settingsFile, JSON.stringify({ database, logging: { fileLogging: false } }));
      if (type !== 'Sqlite') {
        // Start from an empty database so the first run really migrates.
        const db = await openDatabase(database);
        for (const name of [...Object.values(Tables).map((t) => t.name), 'schema_migrations']) {
          await db.dialect.executeDdl(`DROP TABLE IF EXISTS ${db.dialect.quote(name)}`);
        }
        await db.close();
      }
      const first = await runTempo(['migrate', '--settings', settingsFile]);
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      const versions = MIGRATIONS.map((migration) => migration.version);
      const latest = Math.max(...versions);
      expect(first.stdout).toContain(`${type} schema version ${latest} (applied ${versions.join(', ')})`);
      const second = await runTempo(['migrate', '--settings', settingsFile]);
      expect(second.code).toBe(0);
      expect(second.stdout).toContain(`${type} schema version ${latest} (nothing to apply)`);
    },
  );

  it('stops with one line naming the field when the settings file is bad', async () => {
    const settingsFile = join(dir, 'bad.json');
    writeFileSync(settingsFile, JSON.stringify({ rest: { port: 'eighty' } }));
    const result = await runTempo(['server', '--settings', settingsFile]);
    expect(result.code).not.toBe(0);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('rest.port');
  });

  it('up --data-dir D --port P serves /v1.0/api/health, writes its settings and logs, and stops cleanly', async () => {
    const dataDir = join(dir, 'up');
    const port = await freePort();
    const up = await startTempo(
      ['up', '--data-dir', dataDir, '--port', String(port)],
      /server http:\/\/\S+:\d+/,
    );
    try {
      const client = new TempoClient({ baseUrl: `http://127.0.0.1:${port}` });
      const health = await client.health();
      expect(health.status).toBe('ok');
      expect(Date.parse(health.time)).not.toBeNaN();
      expect(await client.serverInfo()).toMatchObject({ name: 'Tempo Server' });
      const missing = await fetch(`http://127.0.0.1:${port}/v1.0/nothing-here`);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toMatchObject({ error: 'NotFound' });
      expect(up.output()).toMatch(/access key pub_\w{28}/);
    } finally {
      expect(await up.stop()).toBe(0);
    }
    expect(existsSync(join(dataDir, 'tempo.db'))).toBe(true);
    expect(readdirSync(join(dataDir, 'logs')).some((name) => name.startsWith('tempo'))).toBe(true);

    // A second start reuses the data: no new seeding, so no access key is shown again.
    const again = await startTempo(
      ['up', '--data-dir', dataDir, '--port', String(port)],
      /server http:\/\/\S+:\d+/,
    );
    expect(again.output()).not.toMatch(/access key/);
    expect(await again.stop()).toBe(0);
  });
});

/** The administrator key early builds of `./tempo up` wrote into every data folder, published in the docs. */
const PUBLISHED_KEY = 'tempo-local-admin-api-key';
const READY = /server http:\/\/\S+:\d+/;

const adminKeyOf = (dataDir: string): string =>
  JSON.parse(readFileSync(join(dataDir, 'tempo.json'), 'utf8')).auth.adminApiKey;

/** The status of an administrator-only request sent with `x-api-key: key`. */
const adminStatus = async (port: number, key: string): Promise<number> =>
  (await fetch(`http://127.0.0.1:${port}/v1.0/tenants`, { headers: { 'x-api-key': key } })).status;

const occurrences = (text: string, part: string): number => text.split(part).length - 1;

/** Signs in with an email and password; the token answer, or null when refused. */
const signIn = async (
  port: number,
  email: string,
  password: string,
): Promise<{ token: string; tenantId: string | null; userId: string | null } | null> => {
  const answer = await fetch(`http://127.0.0.1:${port}/v1.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  return answer.status === 200
    ? ((await answer.json()) as { token: string; tenantId: string | null; userId: string | null })
    : null;
};

/** The password printed once for `email` on an `up` start, if any. */
const printedPassword = (output: string, email: string): string | undefined =>
  new RegExp(`sign in as ${email.replace('.', '\\.')} \\([^)]*\\) / ([A-Za-z0-9_-]+) `).exec(output)?.[1];

const hydrationOf = (dataDir: string): { defaultAdminPassword: string; defaultUserPassword: string } =>
  JSON.parse(readFileSync(join(dataDir, 'tempo.json'), 'utf8')).hydration;

const SEEDED = ['admin@tempo.local', 'user@tempo.local'] as const;

describe('./tempo up administrator key', () => {
  it('is random per data folder, owner-only, shown once on the first start, and the published key is refused', async () => {
    const port = await freePort();
    const keys: string[] = [];
    for (const name of ['key-a', 'key-b']) {
      const dataDir = join(dir, name);
      const first = await startTempo(['up', '--data-dir', dataDir, '--port', String(port)], READY);
      let key: string;
      try {
        key = adminKeyOf(dataDir);
        expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect(occurrences(first.output(), `x-api-key: ${key}`)).toBe(1);
        expect(first.output()).not.toContain(PUBLISHED_KEY);
        expect(await adminStatus(port, key)).toBe(200);
        expect(await adminStatus(port, PUBLISHED_KEY)).toBe(401);
      } finally {
        expect(await first.stop()).toBe(0);
      }
      expect(statSync(join(dataDir, 'tempo.json')).mode & 0o077).toBe(0);
      keys.push(key);

      // A later start keeps the key and says where it is, without printing it again.
      const again = await startTempo(['up', '--data-dir', dataDir, '--port', String(port)], READY);
      expect(await again.stop()).toBe(0);
      expect(again.output()).not.toContain(key);
      expect(again.output()).toContain(`auth.adminApiKey in ${join(dataDir, 'tempo.json')}`);
      expect(adminKeyOf(dataDir)).toBe(key);
    }
    expect(keys[0]).not.toBe(keys[1]);
  }, 120_000);

  it('replaces the published key left in a settings file by an earlier build, and shows the new one once', async () => {
    const port = await freePort();
    const dataDir = join(dir, 'key-published');
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(
      join(dataDir, 'tempo.json'),
      JSON.stringify({ createdUtc: new Date().toISOString(), Auth: { AdminApiKey: PUBLISHED_KEY } }),
      { mode: 0o600 },
    );
    const up = await startTempo(['up', '--data-dir', dataDir, '--port', String(port)], READY);
    let key: string;
    try {
      key = adminKeyOf(dataDir);
      expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(occurrences(up.output(), `x-api-key: ${key}`)).toBe(1);
      expect(up.output()).toContain(`held the published key ${PUBLISHED_KEY}`);
      expect(await adminStatus(port, PUBLISHED_KEY)).toBe(401);
      expect(await adminStatus(port, key)).toBe(200);
    } finally {
      expect(await up.stop()).toBe(0);
    }
    const again = await startTempo(['up', '--data-dir', dataDir, '--port', String(port)], READY);
    expect(await again.stop()).toBe(0);
    expect(again.output()).not.toContain(key);
  }, 120_000);

  it('keeps TEMPO_AUTH_ADMIN_API_KEY working, and refuses it when it holds the published key', async () => {
    const port = await freePort();
    const dataDir = join(dir, 'key-variable');
    const chosen = 'an-operator-chosen-administrator-key-0123456789';
    const up = await startTempo(['up', '--data-dir', dataDir, '--port', String(port)], READY, 60_000, {
      TEMPO_AUTH_ADMIN_API_KEY: chosen,
    });
    try {
      expect(up.output()).toContain('administrator key set by TEMPO_AUTH_ADMIN_API_KEY');
      expect(up.output()).not.toContain(adminKeyOf(dataDir));
      expect(await adminStatus(port, chosen)).toBe(200);
      expect(await adminStatus(port, adminKeyOf(dataDir))).toBe(401);
    } finally {
      expect(await up.stop()).toBe(0);
    }
    const refused = await runTempo(['up', '--data-dir', dataDir, '--port', String(port)], {
      TEMPO_AUTH_ADMIN_API_KEY: PUBLISHED_KEY,
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('TEMPO_AUTH_ADMIN_API_KEY: auth.adminApiKey is the key published');
  }, 120_000);

  it('gives a new data folder random passwords for the seeded accounts, shown once, never "password"', async () => {
    const port = await freePort();
    const seen: string[] = [];
    for (const name of ['passwords-a', 'passwords-b']) {
      const dataDir = join(dir, name);
      const first = await startTempo(['up', '--data-dir', dataDir, '--port', String(port)], READY);
      const passwords: string[] = [];
      try {
        for (const email of SEEDED) {
          const password = printedPassword(first.output(), email);
          expect(password, first.output()).toMatch(/^[A-Za-z0-9_-]{24}$/);
          passwords.push(password as string);
          expect(occurrences(first.output(), password as string)).toBe(1);
          expect(await signIn(port, email, password as string)).not.toBeNull();
          expect(await signIn(port, email, 'password')).toBeNull();
        }
      } finally {
        expect(await first.stop()).toBe(0);
      }
      expect(hydrationOf(dataDir)).toMatchObject({
        defaultAdminPassword: passwords[0],
        defaultUserPassword: passwords[1],
      });
      seen.push(...passwords);

      // A later start says where the passwords are without printing them again.
      const again = await startTempo(['up', '--data-dir', dataDir, '--port', String(port)], READY);
      try {
        for (const password of passwords) expect(again.output()).not.toContain(password);
        expect(again.output()).toContain(`hydration.defaultAdminPassword in ${join(dataDir, 'tempo.json')}`);
        expect(await signIn(port, SEEDED[0], passwords[0] as string)).not.toBeNull();
      } finally {
        expect(await again.stop()).toBe(0);
      }
    }
    expect(new Set(seen).size).toBe(4);
  }, 120_000);

  it('replaces "password" still on a seeded account of an earlier data folder, and keeps a changed one', async () => {
    const port = await freePort();
    const dataDir = join(dir, 'passwords-published');
    const settingsFile = join(dataDir, 'tempo.json');
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    // What an earlier build left: the published passwords, spelled out or by default.
    writeFileSync(
      settingsFile,
      JSON.stringify({
        createdUtc: new Date().toISOString(),
        Hydration: { DefaultAdminPassword: 'password' },
      }),
      { mode: 0o600 },
    );
    // `./tempo server` seeds the accounts as configured, with the published password.
    const old = await startTempo(
      ['server', '--settings', settingsFile, '--port', String(port)],
      /listening on/,
    );
    try {
      const user = await signIn(port, SEEDED[1], 'password');
      expect(user).not.toBeNull();
      const changed = await fetch(
        `http://127.0.0.1:${port}/v1.0/tenants/${user?.tenantId}/users/${user?.userId}`,
        {
          method: 'PUT',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${user?.token}` },
          body: JSON.stringify({ passwordSha256: 'a-password-its-owner-chose' }),
        },
      );
      expect(changed.status).toBe(200);
    } finally {
      expect(await old.stop()).toBe(0);
    }

    const up = await startTempo(['up', '--data-dir', dataDir, '--port', String(port)], READY);
    let adminPassword: string;
    try {
      adminPassword = printedPassword(up.output(), SEEDED[0]) as string;
      expect(adminPassword, up.output()).toMatch(/^[A-Za-z0-9_-]{24}$/);
      expect(up.output()).toContain('still had the published password');
      expect(printedPassword(up.output(), SEEDED[1])).toBeUndefined();
      expect(await signIn(port, SEEDED[0], 'password')).toBeNull();
      expect(await signIn(port, SEEDED[0], adminPassword)).not.toBeNull();
      expect(await signIn(port, SEEDED[1], 'a-password-its-owner-chose')).not.toBeNull();
    } finally {
      expect(await up.stop()).toBe(0);
    }
    const hydration = hydrationOf(dataDir);
    expect(hydration.defaultAdminPassword).toBe(adminPassword);
    expect(hydration.defaultUserPassword).not.toBe('password');

    const again = await startTempo(['up', '--data-dir', dataDir, '--port', String(port)], READY);
    expect(await again.stop()).toBe(0);
    expect(again.output()).not.toContain(adminPassword);
  }, 120_000);
});
