import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchOpenApiDocument } from './openapi-shape.ts';
import { type ServerProcess, startServerProcess } from './server-process.ts';

const REPO_ROOT = resolve(import.meta.dirname, '..', '..', '..');
const TSC = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/**
 * Type-level checks that the generated types and @tempo/client agree: what the client sends is a
 * request the document accepts, and what the document promises is what the client returns. The
 * last check must fail to compile, so a document that accepts anything cannot pass.
 */
const AGREEMENT = `import type { HttpTriggersClient, TempoClient, TokenClient } from '@tempo/client';
import type { operations } from './tempo-api.ts';

type Tenant = ReturnType<TempoClient['tenant']>;
type JsonBody<Op extends keyof operations> = operations[Op] extends {
  requestBody: { content: { 'application/json': infer Body } };
}
  ? Body
  : never;
type JsonAnswer<Op extends keyof operations, Status extends number> = operations[Op]['responses'] extends {
  [S in Status]: { content: { 'application/json': infer Answer } };
}
  ? Answer
  : never;
type Resolved<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;
/** Keys of T whose value may be null or left out. */
type NullableKeys<T> = { [K in keyof T]-?: null extends T[K] ? K : undefined extends T[K] ? K : never }[keyof T];
/** A client type as it travels: answers leave null properties out, and the client puts them back. */
type Wire<T> = T extends readonly (infer E)[]
  ? Wire<E>[]
  : T extends object
    ? { [K in Exclude<keyof T, NullableKeys<T>>]: Wire<T[K]> } & { [K in NullableKeys<T>]?: Wire<T[K]> }
    : T;
/** True only when A is assignable to B; never-typed sides count as a disagreement. */
type Fits<A, B> = [A] extends [never] ? false : [B] extends [never] ? false : [A] extends [B] ? true : false;
const agree = <T extends true>(): T | undefined => undefined;

// createStep: the client's body is a valid request, and the record both sides describe is the same.
agree<Fits<Parameters<Tenant['steps']['create']>[0], JsonBody<'createStep'>>>();
agree<Fits<JsonAnswer<'createStep', 201>, Wire<Resolved<Tenant['steps']['create']>>>>();
agree<Fits<Resolved<Tenant['steps']['create']>, JsonAnswer<'createStep', 201>>>();

// listFlows: the page of flows.
agree<Fits<JsonAnswer<'listFlows', 200>, Wire<Resolved<Tenant['flows']['list']>>>>();
agree<Fits<Resolved<Tenant['flows']['list']>, JsonAnswer<'listFlows', 200>>>();

// issueToken: sign-in body and token answer.
agree<Fits<Parameters<TokenClient['issue']>[0], JsonBody<'issueToken'>>>();
agree<Fits<JsonAnswer<'issueToken', 200>, Wire<Resolved<TokenClient['issue']>>>>();

// fireHttpTrigger: the client's trigger id is the path parameter.
agree<Fits<Parameters<HttpTriggersClient['fire']>[0], operations['fireHttpTrigger']['parameters']['path']['triggerId']>>();

// The error body every failure answers.
agree<Fits<JsonAnswer<'readStep', 404>, { error: string; message: string; details?: string; context?: unknown }>>();

// @ts-expect-error a step without name, runtime key and configuration is not a createStep body
agree<Fits<{ executionKey: string }, JsonBody<'createStep'>>>();
`;

let server: ServerProcess;
let workDir: string;

beforeAll(async () => {
  server = await startServerProcess({ logging: { consoleLogging: false } });
  workDir = mkdtempSync(join(tmpdir(), 'tempo-openapi-types-'));
});

afterAll(async () => {
  await server?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('types generated from the OpenAPI document by openapi-typescript', () => {
  it('compile with tsc and agree with @tempo/client on createStep, listFlows, issueToken and fireHttpTrigger', async () => {
    const { raw } = await fetchOpenApiDocument(server.baseUrl);
    // A `default` in a request schema makes the field optional for the sender: the generator
    // must not read it as "always present", which is right for answers only.
    const generated = astToString(await openapiTS(JSON.stringify(raw), { defaultNonNullable: false }));
    for (const id of ['createStep', 'listFlows', 'issueToken', 'fireHttpTrigger', 'listSteps']) {
      expect(generated, `operation ${id} in the generated types`).toContain(`    ${id}: {`);
    }
    writeFileSync(join(workDir, 'tempo-api.ts'), generated);
    writeFileSync(join(workDir, 'agreement.ts'), AGREEMENT);
    writeFileSync(
      join(workDir, 'tsconfig.json'),
      JSON.stringify({
        extends: join(REPO_ROOT, 'tsconfig.base.json'),
        compilerOptions: {
          types: ['node'],
          typeRoots: [join(REPO_ROOT, 'node_modules', '@types')],
          paths: { '@tempo/client': [join(REPO_ROOT, 'packages', 'client', 'src', 'index.ts')] },
        },
        files: ['tempo-api.ts', 'agreement.ts'],
      }),
    );
    const tsc = spawnSync(process.execPath, [TSC, '--noEmit', '-p', join(workDir, 'tsconfig.json')], {
      encoding: 'utf8',
    });
    expect(`${tsc.stdout}${tsc.stderr}`.trim(), 'tsc output').toBe('');
    expect(tsc.status).toBe(0);
  }, 180_000);
});
