import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { TempoClient, type TenantClient } from '@tempo/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { waitForRunEnd } from './api-fixture.ts';
import { processManifest } from './runtime-fixture.ts';
import { type ServerProcess, startServerProcess, TEST_ADMIN_API_KEY } from './server-process.ts';

const MIB = 1024 * 1024;
/** What each package inflates to: under the default cap (4 × the 100 MiB upload limit). */
const ZEROS_BYTES = 390 * MIB;
/** Growth of the server's peak memory the whole test may cause; inflating in memory costs far more. */
const PEAK_GROWTH_LIMIT_BYTES = 256 * MIB;

const HANDLER = [
  '#!/bin/sh',
  'cat > /dev/null',
  `printf '{"result":"Success","data":{"bytes":%s}}' "$(wc -c < "$TEMPO_ARTIFACT_ROOT/zeros.bin")"`,
  '',
].join('\n');

let server: ServerProcess;
let t: TenantClient;
let serverPid: number;

/** The server's node process: the one started with this test's settings file. */
const findServerPid = (settingsFile: string): number => {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (args.includes(settingsFile) && args.some((arg) => arg.endsWith('main.ts'))) return Number(entry);
    } catch {
      // The process ended while the list was read.
    }
  }
  throw new Error(`no process runs with ${settingsFile}`);
};

/** A field of /proc/{pid}/status in bytes (`VmRSS` now, `VmHWM` the peak so far). */
const memoryOf = (pid: number, field: 'VmRSS' | 'VmHWM'): number => {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no ${field} for ${pid}`);
  return Number(match[1]) * 1024;
};

const mib = (bytes: number) => `${(bytes / MIB).toFixed(0)} MiB`;

/** A small zip whose `zeros.bin` inflates to {@link ZEROS_BYTES}; `marker` makes each one's SHA-256 its own. */
const zeroBomb = async (marker: string): Promise<Buffer> => {
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(processManifest('handler.sh')), 'tempo.step.json');
  zip.addBuffer(Buffer.from(HANDLER), 'handler.sh', { mode: 0o100755 });
  zip.addBuffer(Buffer.from(marker), 'marker.txt');
  const chunk = Buffer.alloc(MIB);
  zip.addReadStream(
    Readable.from(
      (function* () {
        for (let sent = 0; sent < ZEROS_BYTES; sent += MIB) yield chunk;
      })(),
    ),
    'zeros.bin',
  );
  zip.end();
  const parts: Buffer[] = [];
  for await (const part of zip.outputStream as AsyncIterable<Buffer>) parts.push(part);
  return Buffer.concat(parts);
};

beforeAll(async () => {
  // The quota counts what packages unzip to; four of these are past the 1 GiB default.
  server = await startServerProcess({ artifacts: { maxBytesPerTenant: 4 * 1024 * MIB } });
  serverPid = findServerPid(join(server.dataDir, 'tempo.json'));
  const admin = new TempoClient({ baseUrl: server.baseUrl, credentials: { apiKey: TEST_ADMIN_API_KEY } });
  t = admin.tenant((await admin.tenants.list()).items[0]?.id ?? '');
});

afterAll(async () => {
  await server?.stop();
});

describe('zip packages that inflate far beyond their size', () => {
  it('are checked and unpacked four at once without inflating into memory', {
    timeout: 240_000,
  }, async () => {
    const bombs = await Promise.all(['a', 'b', 'c', 'd'].map(zeroBomb));
    expect(bombs[0]?.length).toBeLessThan(MIB);
    const artifact = await t.artifacts.create({ name: 'zeros' });
    const rssBefore = memoryOf(serverPid, 'VmRSS');
    const peakBefore = memoryOf(serverPid, 'VmHWM');

    await Promise.all(
      bombs.map((bytes, index) => t.artifacts.uploadVersion(artifact.id, bytes, { version: `1.0.${index}` })),
    );
    const steps = await Promise.all(
      bombs.map((_, index) =>
        t.steps.create({
          executionKey: `zeros.${index}`,
          name: `zeros ${index}`,
          runtimeKey: 'Artifact.Process',
          runtimeConfig: {
            runtimeKey: 'Artifact.Process',
            artifactId: artifact.id,
            artifactVersion: `1.0.${index}`,
          },
        }),
      ),
    );
    const runs = await Promise.all(
      steps.map(async (step) => {
        const flow = await t.flows.create({
          name: `flow of ${step.executionKey}`,
          startStepId: step.executionKey,
          transitions: { [step.executionKey]: {} },
        });
        return waitForRunEnd(t, (await t.flows.run(flow.id)).id, 180_000);
      }),
    );
    for (const run of runs) {
      expect(run, run.errorMessage ?? '').toMatchObject({ state: 'Succeeded' });
      expect(JSON.parse(run.outputData ?? 'null')).toEqual({ bytes: ZEROS_BYTES });
    }

    const rssAfter = memoryOf(serverPid, 'VmRSS');
    const peakAfter = memoryOf(serverPid, 'VmHWM');
    console.info(
      `server memory: RSS ${mib(rssBefore)} before, ${mib(rssAfter)} after; peak ${mib(peakBefore)} before, ${mib(peakAfter)} after (4 packages of ${mib(ZEROS_BYTES)} each)`,
    );
    expect(peakAfter - peakBefore).toBeLessThan(PEAK_GROWTH_LIMIT_BYTES);
  });
});
