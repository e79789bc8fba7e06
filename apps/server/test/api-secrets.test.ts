import { createCipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { TempoClient } from '@tempo/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, startApiFixture } from './api-fixture.ts';
import { expectApiError } from './expect-api-error.ts';
import { createShellStep, triggerFor } from './runtime-fixture.ts';
import { type ServerProcess, startServerProcess, TEST_ADMIN_API_KEY } from './server-process.ts';

/** The signing key earlier builds used by default; it is printed in the source, so anyone has it. */
const PUBLISHED_KEY = 'tempo-development-key-override-for-production-use';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const settingsIn = (server: ServerProcess) =>
  JSON.parse(readFileSync(join(server.dataDir, 'tempo.json'), 'utf8')) as {
    auth: { signingKey?: string; credentialHashKey?: string };
  };

/**
 * A bearer token made the way the server's token codec makes them (AES-256-GCM over a JSON
 * payload; a key that is not 32 bytes is SHA-256 hashed), as an attacker reading the source would.
 */
const forgeToken = (signingKey: string, payload: object): string => {
  const raw = Buffer.from(signingKey, 'utf8');
  const key = raw.length === 32 ? raw : createHash('sha256').update(raw).digest();
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
};

/** Reads one credential row straight from the server's SQLite file, as someone with a copy of it would. */
const storedCredential = (server: ServerProcess, credentialId: string) => {
  const db = new DatabaseSync(join(server.dataDir, 'tempo.db'), { readOnly: true });
  try {
    return db
      .prepare(
        'SELECT access_key_sha256 AS accessKeyHash, secret_key_sha256 AS secretKeyHash FROM credentials WHERE id = ?',
      )
      .get(credentialId) as { accessKeyHash: string; secretKeyHash: string } | undefined;
  } finally {
    db.close();
  }
};

describe('signing key (issue 19, defect 1)', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    // A settings file without a signing key, as `./tempo server` and the Docker image start with.
    server = await startServerProcess({ auth: { signingKey: undefined } });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('generates a random signing key into the settings file on first start', () => {
    const { signingKey } = settingsIn(server).auth;
    expect(signingKey).toBeDefined();
    expect(signingKey).not.toBe(PUBLISHED_KEY);
    expect(signingKey?.length ?? 0).toBeGreaterThanOrEqual(32);
  });

  it('refuses a token forged with the published development key', async () => {
    const admin = new TempoClient({ baseUrl: server.baseUrl, credentials: { apiKey: TEST_ADMIN_API_KEY } });
    const [tenant] = (await admin.tenants.list()).items;
    const [user] = (await admin.tenant(tenant?.id ?? '').users.list()).items;
    const forged = forgeToken(PUBLISHED_KEY, {
      v: 1,
      iss: 'tempo',
      kind: 'user',
      sub: user?.id,
      tenantId: tenant?.id,
      exp: Date.now() + 3_600_000,
      nonce: 'forged',
    });
    const attacker = new TempoClient({ baseUrl: server.baseUrl, credentials: { token: forged } });
    await expectApiError(attacker.token.details(), 401);
    await expectApiError(attacker.tenant(tenant?.id ?? '').users.list(), 401);
    // A token the server issued itself still works, so the 401 is about the key alone.
    const login = await new TempoClient({ baseUrl: server.baseUrl }).token.issue({
      email: 'user@tempo.local',
      password: 'password',
    });
    const legitimate = new TempoClient({ baseUrl: server.baseUrl, credentials: { token: login.token } });
    expect(await legitimate.token.details()).toMatchObject({ userId: user?.id });
  });

  it('refuses to start with the published development key and says how to set one', async () => {
    const attempt = await startServerProcess({ auth: { signingKey: PUBLISHED_KEY } }).then(
      async (started) => {
        await started.stop();
        return new Error('the server started with the published development key');
      },
      (error: unknown) => error as Error,
    );
    expect(attempt.message).toMatch(/exited with 1 before listening/);
    expect(attempt.message).toMatch(/auth\.signingKey is the development key published/);
    expect(attempt.message).toMatch(/TEMPO_AUTH_SIGNING_KEY/);
    expect(attempt.message).toMatch(/generated at the next start/);
  });
});

/** Every file and folder under `root` with a group or other permission bit, as `path mode`. */
/**
 * Unpacked packages (`…/packages/{tenant}/{sha256}`) are readable by others on purpose, for the
 * unprivileged handler user; the tenant folder above them stays owner-only, which the walk checks.
 */
const UNPACKED_PACKAGE = /\/packages\/[^/]+\/[0-9a-f]{64}$/;

const openToOthers = (root: string): string[] => {
  const found: string[] = [];
  const walk = (path: string) => {
    // The server is still writing run logs (a manifest goes through a temporary name): an entry
    // that is gone by the time it is read was renamed or removed, and its successor is walked.
    const stats = lstatSync(path, { throwIfNoEntry: false });
    if (!stats) return;
    if (stats.isSymbolicLink() || UNPACKED_PACKAGE.test(path)) return;
    if ((stats.mode & 0o077) !== 0) found.push(`${path} ${(stats.mode & 0o777).toString(8)}`);
    if (!stats.isDirectory()) return;
    let names: string[] = [];
    try {
      names = readdirSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    for (const name of names) walk(join(path, name));
  };
  walk(root);
  return found;
};

describe('data folder permissions (issue 19, defect 6)', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServerProcess();
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('keeps the database, its WAL, logs, artifacts and caches owner-only', async () => {
    const admin = new TempoClient({ baseUrl: server.baseUrl, credentials: { apiKey: TEST_ADMIN_API_KEY } });
    const tenant = admin.tenant((await admin.tenants.list()).items[0]?.id ?? '');
    // An artifact upload and a run of it create the blob, cache and scratch folders.
    await createShellStep(
      tenant,
      'secrets.modes',
      '#!/bin/sh\ncat > /dev/null\nprintf \'{"result":"Success","data":{"ok":true}}\'\n',
    );
    const answer = await admin.httpTriggers.fire(await triggerFor(tenant, 'secrets.modes'), { body: {} });
    expect(answer.output).toEqual({ ok: true });
    const names = readdirSync(server.dataDir);
    expect(names).toEqual(
      expect.arrayContaining(['tempo.json', 'tempo.db', 'tempo.db-wal', 'logs', 'artifacts']),
    );
    // umask 022 of the test runner would leave these 0644/0755.
    expect(openToOthers(server.dataDir)).toEqual([]);
  });
});

describe('credential keys (issue 19, defect 7)', () => {
  let f: ApiFixture;

  beforeAll(async () => {
    f = await startApiFixture();
  });

  afterAll(async () => {
    await f?.stop();
  });

  const leadingShared = (a: string, b: string) => {
    let i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    return i;
  };

  it('draws access keys from randomness alone: nothing of them follows from the id a ReadOnly user sees', async () => {
    const t = f.admin.tenant(f.tenantA);
    const owner = (await t.users.list()).items[0]?.id ?? '';
    const created = await Promise.all(
      Array.from({ length: 5 }, (_, i) => t.credentials.create({ userId: owner, name: `entropy ${i}` })),
    );
    const visible = await f.as.ReadOnly.tenant(f.tenantA).credentials.list({ pageSize: 100 });
    for (const credential of created) {
      const random = credential.accessKey.slice('pub_'.length);
      // Ids start with their creation time; a clock-derived key would share it.
      expect(leadingShared(random, credential.id.slice(credential.id.indexOf('_') + 1))).toBeLessThan(4);
      expect(credential.accessKey).toHaveLength(32);
      expect(credential.secretKey).toHaveLength(32);
      expect(random).toMatch(/^[0-9A-Za-z]{28}$/);
      expect(credential.secretKey).toMatch(/^key_[0-9A-Za-z]{28}$/);
      const seen = visible.items.find((item) => item.id === credential.id);
      const hint = seen?.accessKey.replace(/\*+$/, '') ?? '';
      expect(credential.accessKey.startsWith(hint)).toBe(true);
      // What a reader cannot see must still hold at least 128 random bits.
      expect((32 - hint.length) * Math.log2(62)).toBeGreaterThanOrEqual(128);
    }
    const randomParts = created.map((credential) => credential.accessKey.slice(4));
    for (const [i, a] of randomParts.entries()) {
      for (const b of randomParts.slice(i + 1)) expect(leadingShared(a, b)).toBeLessThan(4);
    }
  });

  it('stores a keyed hash of the keys, not their plain SHA-256', async () => {
    const t = f.admin.tenant(f.tenantA);
    const owner = (await t.users.list()).items[0]?.id ?? '';
    const credential = await t.credentials.create({ userId: owner, name: 'stored form' });
    const stored = storedCredential(f.server, credential.id);
    expect(stored?.accessKeyHash).not.toBe(sha256(credential.accessKey));
    expect(stored?.secretKeyHash).not.toBe(sha256(credential.secretKey));
    const hashKey = settingsIn(f.server).auth.credentialHashKey ?? '';
    expect(hashKey.length).toBeGreaterThanOrEqual(32);
    expect(stored?.accessKeyHash).toBe(
      createHmac('sha256', hashKey).update(credential.accessKey).digest('hex'),
    );
    expect(await f.anonymous.withCredentials({ accessKey: credential.accessKey }).me()).toMatchObject({
      id: owner,
    });
  });

  it('keeps a credential stored as plain SHA-256 working and upgrades it on first use', async () => {
    const t = f.admin.tenant(f.tenantA);
    const owner = (await t.users.list()).items[0]?.id ?? '';
    const credential = await t.credentials.create({ userId: owner, name: 'legacy' });
    // Rewrite the row as an older build stored it.
    const db = new DatabaseSync(join(f.server.dataDir, 'tempo.db'));
    try {
      db.exec('PRAGMA busy_timeout = 5000');
      db.prepare('UPDATE credentials SET access_key_sha256 = ? WHERE id = ?').run(
        sha256(credential.accessKey),
        credential.id,
      );
    } finally {
      db.close();
    }
    expect(await f.anonymous.withCredentials({ accessKey: credential.accessKey }).me()).toMatchObject({
      id: owner,
    });
    const hashKey = settingsIn(f.server).auth.credentialHashKey ?? '';
    expect(storedCredential(f.server, credential.id)?.accessKeyHash).toBe(
      createHmac('sha256', hashKey).update(credential.accessKey).digest('hex'),
    );
    expect(await f.anonymous.withCredentials({ accessKey: credential.accessKey }).me()).toMatchObject({
      id: owner,
    });
  });

  it('stores the seeded credential the same way', async () => {
    expect(f.server.seededAccessKey).toMatch(/^pub_[0-9A-Za-z]{28}$/);
    const me = await f.anonymous.withCredentials({ accessKey: f.server.seededAccessKey }).token.details();
    const hashKey = settingsIn(f.server).auth.credentialHashKey ?? '';
    const db = new DatabaseSync(join(f.server.dataDir, 'tempo.db'), { readOnly: true });
    try {
      const row = db
        .prepare('SELECT access_key_sha256 AS accessKeyHash FROM credentials WHERE user_id = ? AND name = ?')
        .get(me.userId, 'default') as { accessKeyHash: string } | undefined;
      expect(row?.accessKeyHash).toBe(
        createHmac('sha256', hashKey).update(f.server.seededAccessKey).digest('hex'),
      );
    } finally {
      db.close();
    }
  });
});
