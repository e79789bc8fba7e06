import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminRequest,
  type Browser,
  type ConsoleWatch,
  type DashboardStack,
  launchBrowser,
  screenshot,
  startStack,
  watchConsole,
} from './browser-harness.ts';
import {
  openDialog,
  openWorkspace,
  pageProblems,
  rowAction,
  rowWith,
  signInPastWizard,
} from './workspaces-support.ts';

/**
 * The build-and-run path of the dashboard against `./tempo up` in Debian's Chromium: a Python
 * step from pasted source, a flow drawn for it with the auth-mode choice and its curl guidance,
 * a run started from the flow's row, and that run's output and log read in the runs drawer.
 * Every page and dialog on the way is checked for console errors and axe-core violations.
 */

const STEP_KEY = 'e2e.double';
const ORPHAN_KEY = 'e2e.orphan';
const FLOW_NAME = 'E2E doubling flow';
const SOURCE =
  'def run(request):\n    print("doubling", flush=True)\n    return {"doubled": request["data"]["value"] * 2}\n';

let stack: DashboardStack;
let browser: Browser;
let page: Page;
let consoleWatch: ConsoleWatch;
let runId = '';
const problems: string[] = [];

beforeAll(async () => {
  stack = await startStack({ workers: 0 });
  browser = await launchBrowser();
  page = await browser.context.newPage();
  consoleWatch = watchConsole(page);
  await signInPastWizard(page, stack);
}, 360_000);

/** A write of the administrator API, for records the dashboard offers no way to make. */
const adminPost = async (path: string, body: unknown): Promise<void> => {
  const answer = await fetch(`${stack.serverUrl}${path}`, {
    method: 'POST',
    headers: { 'x-api-key': stack.adminApiKey, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!answer.ok) throw new Error(`POST ${path} answered ${answer.status}: ${await answer.text()}`);
};

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
}, 60_000);

describe('flows workspaces', () => {
  it('creates a Python step from pasted source', async () => {
    await openWorkspace(page, 'steps');
    problems.push(...(await pageProblems(page, consoleWatch, 'steps')));
    // The runtime catalog says which runtimes are unavailable and why.
    expect(await page.locator('section[aria-label="Runtime catalog"] tbody tr').count()).toBeGreaterThan(3);

    await page.getByRole('button', { name: 'From source…' }).click();
    const dialog = openDialog(page);
    await dialog.getByLabel('Name', { exact: true }).fill('E2E double');
    await dialog.getByLabel('Execution key', { exact: true }).fill(STEP_KEY);
    const editor = dialog.locator('.cm-content');
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(SOURCE);
    problems.push(...(await pageProblems(page, consoleWatch, 'steps: source step dialog')));
    await screenshot(page, 'workspaces-steps-source');
    await dialog.getByRole('button', { name: 'Create step' }).click();
    await page.getByRole('status').filter({ hasText: STEP_KEY }).waitFor({ timeout: 120_000 });

    const tenants = (await adminRequest(stack, 'GET', '/v1.0/tenants?pageSize=100')) as {
      items: { id: string }[];
    };
    const runtimeKeys: string[] = [];
    for (const tenant of tenants.items) {
      const steps = (await adminRequest(stack, 'GET', `/v1.0/tenants/${tenant.id}/steps?pageSize=1000`)) as {
        items: { executionKey: string; runtimeKey: string }[];
      };
      runtimeKeys.push(
        ...steps.items.filter((step) => step.executionKey === STEP_KEY).map((step) => step.runtimeKey),
      );
    }
    expect(runtimeKeys).toEqual(['Artifact.Python']);
  }, 180_000);

  it('keeps a step whose built-in is gone visible under Registered steps and deletes it there', async () => {
    const tenants = (await adminRequest(stack, 'GET', '/v1.0/tenants?pageSize=100')) as {
      items: { id: string }[];
    };
    for (const tenant of tenants.items) {
      await adminPost(`/v1.0/tenants/${tenant.id}/steps`, {
        executionKey: ORPHAN_KEY,
        name: 'E2E orphan',
        runtimeKey: 'Builtin.Method',
        runtimeConfig: { runtimeKey: 'Builtin.Method', identifier: 'e2e.not.registered' },
      });
    }
    await page.reload();
    await page.locator('main#workspace h1').first().waitFor({ timeout: 20_000 });
    const card = page.locator('section[aria-label="Registered steps"]');
    const orphanRow = card.locator('tbody tr', { hasText: 'e2e.not.registered' });
    await orphanRow.waitFor({ timeout: 20_000 });
    expect(await orphanRow.locator('.ui-badge').textContent()).toBe('Orphaned');
    problems.push(...(await pageProblems(page, consoleWatch, 'steps: registered steps')));
    await screenshot(page, 'workspaces-steps-registered');
    await orphanRow.getByRole('button', { name: 'Delete' }).click();
    const confirm = openDialog(page);
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await confirm.waitFor({ state: 'detached' });
    await orphanRow.waitFor({ state: 'detached', timeout: 20_000 });
  }, 120_000);

  it('draws a flow for it, with curl guidance that follows the auth mode', async () => {
    await openWorkspace(page, 'flows');
    await page.getByRole('button', { name: 'Create flow' }).click();
    const dialog = openDialog(page);
    await dialog.getByLabel('Name', { exact: true }).fill(FLOW_NAME);
    await dialog.getByLabel('Start step').selectOption(STEP_KEY);
    await dialog.locator(`.react-flow__node[data-id="${STEP_KEY}"]`).waitFor();

    await dialog.getByLabel('API authenticated').check();
    expect(await dialog.getByTestId('flow-curl').textContent()).toContain(
      "-H 'Authorization: Bearer <token>'",
    );
    await dialog.getByLabel('Public').check();
    const curl = (await dialog.getByTestId('flow-curl').textContent()) ?? '';
    expect(curl).toMatch(/^curl -X POST '.+\/v1\.0\/triggers\/http\/<triggerId>'/);
    expect(curl).not.toContain('Authorization');

    // The JSON view shows what the graph holds.
    await dialog.getByLabel('Edit as JSON').check();
    const json = JSON.parse(
      await dialog.getByLabel('Transitions (JSON, keyed by executionKey)').inputValue(),
    );
    expect(Object.keys(json)).toEqual([STEP_KEY]);
    await dialog.getByLabel('Edit as JSON').uncheck();
    problems.push(...(await pageProblems(page, consoleWatch, 'flows: flow editor')));
    await screenshot(page, 'workspaces-flows-editor');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await rowWith(page, FLOW_NAME).waitFor();
    problems.push(...(await pageProblems(page, consoleWatch, 'flows')));
  }, 120_000);

  it('runs the flow from its row', async () => {
    await rowAction(rowWith(page, FLOW_NAME), 'run');
    const dialog = openDialog(page);
    await dialog.getByLabel('Input (JSON)').fill('{"value":123}');
    await dialog.getByRole('button', { name: 'Start run' }).click();
    const status = dialog.getByRole('status');
    await status.waitFor({ timeout: 30_000 });
    runId = ((await status.locator('code').textContent()) ?? '').trim();
    expect(runId).toMatch(/^run_/);
    await page.keyboard.press('Escape');
  }, 60_000);

  it('opens the run and reads its output and its log', async () => {
    await openWorkspace(page, 'runs');
    await rowWith(page, runId).click();
    const drawer = openDialog(page);
    await expect
      .poll(
        async () => {
          await drawer.getByRole('button', { name: 'Refresh' }).first().click();
          return drawer.getByTestId('run-output').inputValue();
        },
        { timeout: 60_000, interval: 1_000 },
      )
      .toContain('"doubled": 246');
    // The drawer's Refresh reloads the log list too: run.log is complete once the run has ended.
    const runLog = drawer.locator('tbody tr', { hasText: 'run.log' }).first();
    await expect
      .poll(
        async () => {
          await drawer.getByRole('button', { name: 'Refresh' }).first().click();
          return (
            (await runLog.count()) > 0 &&
            (await drawer.locator('tbody tr', { hasText: 'e2e_double' }).count()) > 0
          );
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toBe(true);
    await runLog.click();
    await expect
      .poll(() => drawer.getByTestId('run-log-content').inputValue(), { timeout: 15_000 })
      .toContain('run ended Succeeded');
    // The snapshot taken at run start names the artifact version the Python step ran.
    const snapshotRow = drawer
      .locator('section[aria-label="Artifact versions at run start"] tbody tr', { hasText: STEP_KEY })
      .first();
    expect(await snapshotRow.textContent()).toContain('Artifact.Python');
    expect(await snapshotRow.locator('.ui-badge').count()).toBe(0);
    expect(await snapshotRow.getByTestId('snapshot-version').textContent()).toMatch(/\S/);
    problems.push(...(await pageProblems(page, consoleWatch, 'runs: run drawer')));
    await screenshot(page, 'workspaces-runs-drawer');
    // A finished run's logs can be deleted, all at once after one confirmation.
    await drawer.getByRole('button', { name: 'Delete all logs' }).click();
    // The confirmation is a dialog inside the drawer's own.
    const confirm = drawer.locator('dialog.ui-modal[open]');
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await confirm.waitFor({ state: 'detached' });
    await drawer.getByText('This run has no log files.').waitFor({ timeout: 15_000 });
    await page.keyboard.press('Escape');
  }, 120_000);

  it('narrows request history to a period, list and chart together', async () => {
    await openWorkspace(page, 'requests');
    const summaryCall = page.waitForRequest((request) => request.url().includes('/request-history/summary'));
    await page.getByLabel('Period').selectOption('hour');
    const url = new URL((await summaryCall).url());
    expect(url.searchParams.get('bucketMinutes')).toBe('5');
    const from = Date.parse(url.searchParams.get('fromUtc') ?? '');
    const to = Date.parse(url.searchParams.get('toUtc') ?? '');
    expect(to - from).toBe(60 * 60_000);
    await page.waitForLoadState('networkidle');
    problems.push(...(await pageProblems(page, consoleWatch, 'requests: last hour')));
  }, 60_000);

  it('shows every other flows workspace without console errors or accessibility violations', async () => {
    for (const id of ['triggers', 'artifacts', 'runtimes', 'requests']) {
      await openWorkspace(page, id);
      problems.push(...(await pageProblems(page, consoleWatch, id)));
    }
    expect(problems, problems.join('\n\n')).toEqual([]);
  }, 120_000);
});
