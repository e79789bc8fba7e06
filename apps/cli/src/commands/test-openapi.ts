import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT, TEST_STATE_DIR } from '../repo-paths.ts';

/** Redocly CLI's entry script, run with this process's Node like the other tools. */
const REDOCLY = join(REPO_ROOT, 'node_modules', '@redocly', 'cli', 'bin', 'cli.js');

/** The lint's rules: Redocly's recommended set, and any rule turned off with its reason. */
const REDOCLY_CONFIG = join(REPO_ROOT, 'redocly.yaml');

/** Outcome of the stage, in the shape of every stage of `./tempo test`. */
export interface OpenApiLintResult {
  readonly stage: string;
  readonly passed: number;
  readonly failed: number;
  readonly ok: boolean;
}

/** The parts of Redocly's `--format json` report this stage reads. */
interface LintReport {
  readonly totals: { readonly errors: number; readonly warnings: number };
  readonly problems: readonly {
    readonly ruleId: string;
    readonly severity: string;
    readonly message: string;
    readonly location?: readonly { readonly pointer?: string }[];
  }[];
}

const isLintReport = (value: unknown): value is LintReport =>
  typeof value === 'object' &&
  value !== null &&
  'totals' in value &&
  'problems' in value &&
  Array.isArray(value.problems);

/** Runs the lint and resolves to its JSON report, or to null when it printed none. */
const runRedocly = (file: string): Promise<LintReport | null> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [REDOCLY, 'lint', file, '--config', REDOCLY_CONFIG, '--format', 'json', '--max-problems', '1000'],
      {
        cwd: REPO_ROOT,
        // Nothing leaves the machine: no usage telemetry, no check for a newer release.
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', reject);
    child.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        const report: unknown = JSON.parse(text.slice(text.indexOf('{')));
        resolve(isLintReport(report) ? report : null);
      } catch {
        resolve(null);
      }
    });
  });

/**
 * The `openapi` stage of `./tempo test`: builds the OpenAPI document the server serves at
 * `/openapi.json` (in-process, over an in-memory database) and lints it with Redocly CLI's
 * recommended rules. Redocly passes a document with warnings; this stage does not: zero errors
 * and zero warnings, each problem printed with its rule and JSON pointer.
 */
export const lintOpenApiDocument = async (log: (line: string) => void): Promise<OpenApiLintResult> => {
  const stage = 'openapi (redocly lint)';
  const failed = { stage, passed: 0, failed: 1, ok: false };
  const file = join(TEST_STATE_DIR, 'openapi', 'openapi.json');
  try {
    const { buildOpenApiDocument } = await import('@tempo/server');
    await mkdir(join(TEST_STATE_DIR, 'openapi'), { recursive: true });
    await writeFile(file, `${JSON.stringify(await buildOpenApiDocument(), null, 2)}\n`);
  } catch (error) {
    log(
      `openapi: the document could not be built: ${error instanceof Error ? error.message : String(error)}`,
    );
    return failed;
  }
  const report = await runRedocly(file);
  if (!report) {
    log('openapi: redocly lint printed no report');
    return failed;
  }
  for (const problem of report.problems) {
    const at = problem.location?.[0]?.pointer ?? '';
    log(`openapi: ${problem.severity} ${problem.ruleId} ${at}: ${problem.message}`);
  }
  const { errors, warnings } = report.totals;
  log(`openapi: redocly lint of /openapi.json: ${errors} errors, ${warnings} warnings`);
  return errors === 0 && warnings === 0 ? { stage, passed: 0, failed: 0, ok: true } : failed;
};
