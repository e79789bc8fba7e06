import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/** The repository root. */
export const REPO_ROOT = resolve(import.meta.dirname, '..', '..', '..');
/** Where the browser suites save their screenshots. */
export const SCREENSHOT_DIR = join(REPO_ROOT, '.tempo-test', 'screenshots');
/** Debian's Chromium, which `./tempo test` installs when it is missing. */
export const CHROMIUM = '/usr/bin/chromium';

/** Chromium on a closed network: no first-run, sync, update or background traffic. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Seeded administrator of `./tempo up` (hydration defaults). */
export const ADMIN_EMAIL = 'admin@tempo.local';

const freePort = (): Promise<number> =>
  new Promise((resolvePort, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolvePort(address.port)
          : reject(new Error('no free port')),
      );
    });
  });

/** A running `./tempo up`: server, workers and the built dashboard, in a data folder of its own. */
export interface DashboardStack {
  readonly serverUrl: string;
  readonly dashboardUrl: string;
  readonly adminEmail: string;
  readonly adminPassword: string;
  /** The administrator API key `./tempo up` generated into the data folder's settings. */
  readonly adminApiKey: string;
  readonly dataDir: string;
  /** Everything `./tempo up` printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/** Options of {@link startStack}. */
export interface StackOptions {
  /** Local worker processes (`--workers N`); 0 runs flows in the server. */
  readonly workers: number;
  /** How long the first start may take: it builds the dashboard when its sources changed. */
  readonly timeoutMs?: number;
}

/**
 * Starts `./tempo up` on free ports with a new data folder and a random administrator password,
 * and resolves once the dashboard is served. The real command, so the build-on-change, the
 * dashboard server and its `/config.json` are part of what the suites test.
 */
export const startStack = async (options: StackOptions): Promise<DashboardStack> => {
  const dataDir = await mkdtemp(join(tmpdir(), 'tempo-dashboard-e2e-'));
  const [port, dashboardPort] = [await freePort(), await freePort()];
  const adminPassword = randomBytes(12).toString('base64url');
  const child: ChildProcess = spawn(
    join(REPO_ROOT, 'tempo'),
    [
      'up',
      '--data-dir',
      dataDir,
      '--port',
      String(port),
      '--dashboard-port',
      String(dashboardPort),
      '--workers',
      String(options.workers),
      '--no-mcp',
    ],
    {
      env: { ...process.env, TEMPO_HYDRATION_DEFAULT_ADMIN_PASSWORD: adminPassword },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killed = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(killed);
    }
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const dashboardUrl = await new Promise<string>((resolveUrl, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`./tempo up was not ready within ${options.timeoutMs ?? 300_000} ms.\n${output}`)),
        options.timeoutMs ?? 300_000,
      );
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const served = /tempo: up: dashboard (http:\/\/\S+)/.exec(output);
        const failed = /tempo: up: dashboard not started[^\n]*/.exec(output);
        if (served?.[1] || failed) {
          clearTimeout(timer);
          if (served?.[1]) resolveUrl(served[1]);
          else reject(new Error(failed?.[0]));
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`./tempo up exited with ${code} before the dashboard was served.\n${output}`));
      });
    });
    const settings = JSON.parse(await readFile(join(dataDir, 'tempo.json'), 'utf8'));
    return {
      serverUrl: `http://127.0.0.1:${port}`,
      dashboardUrl,
      adminEmail: ADMIN_EMAIL,
      adminPassword,
      adminApiKey: settings.auth.adminApiKey,
      dataDir,
      output: () => output,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
};

/** A headless Chromium with a new, empty profile. */
export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Launches Debian's Chromium headless with a profile of its own, removed on close. */
export const launchBrowser = async (): Promise<Browser> => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: ./tempo test --only dashboard installs it (apt-get install chromium).`,
    );
  }
  const profile = await mkdtemp(join(tmpdir(), 'tempo-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
    locale: 'en-US',
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
};

/** What a page reported to its console as errors, and the scripts that threw. */
export interface ConsoleWatch {
  readonly errors: string[];
  /** Forgets what was collected, e.g. after an expected failure. */
  clear(): void;
}

/** Collects console errors and uncaught exceptions of `page`. */
export const watchConsole = (page: Page): ConsoleWatch => {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  return { errors, clear: () => errors.splice(0) };
};

/** An accessibility violation as axe-core reports it. */
export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: readonly { readonly target: readonly string[] }[];
}

const axeSource = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** Runs axe-core on the page and answers its serious and critical violations. */
export const seriousAccessibilityViolations = async (page: Page): Promise<AxeViolation[]> => {
  await page.addScriptTag({ path: axeSource });
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run(context: Document): Promise<{ violations: AxeViolation[] }> } }
    ).axe;
    const result = await axe.run(document);
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.map((node) => ({ target: node.target })),
    }));
  });
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
};

/** Readable lines for a failed accessibility check. */
export const describeViolations = (violations: readonly AxeViolation[]): string =>
  violations
    .map(
      (violation) =>
        `${violation.impact} ${violation.id}: ${violation.help} at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
    )
    .join('\n');

/** Saves a screenshot as `.tempo-test/screenshots/<name>.png`; answers its path. */
export const screenshot = async (page: Page, name: string): Promise<string> => {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
};

/** Signs in through the login page with the stack's administrator. */
export const signIn = async (page: Page, stack: DashboardStack): Promise<void> => {
  await page.goto(`${stack.dashboardUrl}/`);
  await page.getByLabel('Server URL').fill(stack.serverUrl);
  await page.getByLabel('Email', { exact: true }).fill(stack.adminEmail);
  await page.getByLabel('Password', { exact: true }).fill(stack.adminPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/dashboard/home');
};

/** The administrator API of the stack, for checks that go around the browser. */
export const adminRequest = async (stack: DashboardStack, method: string, path: string): Promise<unknown> => {
  const answer = await fetch(`${stack.serverUrl}${path}`, {
    method,
    headers: { 'x-api-key': stack.adminApiKey },
  });
  if (!answer.ok) throw new Error(`${method} ${path} answered ${answer.status}: ${await answer.text()}`);
  return answer.json();
};
