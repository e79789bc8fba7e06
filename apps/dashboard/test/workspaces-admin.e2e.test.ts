import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
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
 * One create, edit and delete round trip through the dashboard on each CRUD page against
 * `./tempo up` in Debian's Chromium, each page and its form checked for console errors and
 * axe-core violations. Every step is read back from the page's own table.
 */

let stack: DashboardStack;
let browser: Browser;
let page: Page;
let consoleWatch: ConsoleWatch;

beforeAll(async () => {
  stack = await startStack({ workers: 0 });
  browser = await launchBrowser();
  page = await browser.context.newPage();
  consoleWatch = watchConsole(page);
  await signInPastWizard(page, stack);
}, 360_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
}, 60_000);

/** One CRUD page: how to reach its create form and what to type in it. */
interface CrudPage {
  readonly id: string;
  readonly createButton: string;
  /** Fills the form with a record shown in the table as `text`. */
  readonly fill: (dialog: Locator, text: string) => Promise<void>;
  /** Changes the record in the edit form so that the table shows `text`. */
  readonly rename: (dialog: Locator, text: string) => Promise<void>;
}

const byName = {
  fill: (dialog: Locator, text: string) => dialog.getByLabel('Name', { exact: true }).fill(text),
  rename: (dialog: Locator, text: string) => dialog.getByLabel('Name', { exact: true }).fill(text),
};

const PAGES: readonly CrudPage[] = [
  { id: 'tenants', createButton: 'Create tenant', ...byName },
  {
    id: 'users',
    createButton: 'Create user',
    fill: async (dialog, text) => {
      await dialog.getByLabel('Email', { exact: true }).fill(`${text}@example.test`);
      await dialog.getByLabel('Password', { exact: true }).fill('e2e-password-1');
    },
    rename: (dialog, text) => dialog.getByLabel('First name').fill(text),
  },
  {
    id: 'credentials',
    createButton: 'Create credential',
    fill: async (dialog, text) => {
      await dialog.getByLabel('Name', { exact: true }).fill(text);
      await dialog.getByLabel('User', { exact: true }).selectOption({ index: 1 });
    },
    rename: byName.rename,
  },
  { id: 'roles', createButton: 'Create role', ...byName },
  { id: 'permissions', createButton: 'Create permission', ...byName },
  { id: 'triggers', createButton: 'Create trigger', ...byName },
  { id: 'artifacts', createButton: 'Create artifact', ...byName },
];

const submit = async (dialog: Locator) => {
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'detached', timeout: 20_000 });
};

describe('CRUD round trips', () => {
  for (const crud of PAGES) {
    it(`creates, edits and deletes on ${crud.id}`, async () => {
      const problems: string[] = [];
      const created = `e2e-${crud.id}-one`;
      const renamed = `e2e-${crud.id}-two`;
      await openWorkspace(page, crud.id);
      problems.push(...(await pageProblems(page, consoleWatch, crud.id)));

      await page.getByRole('button', { name: crud.createButton }).click();
      const form = openDialog(page);
      await crud.fill(form, created);
      problems.push(...(await pageProblems(page, consoleWatch, `${crud.id}: create form`)));
      await submit(form);
      await rowWith(page, created).waitFor({ timeout: 20_000 });

      await rowAction(rowWith(page, created), 'edit');
      await crud.rename(openDialog(page), renamed);
      await submit(openDialog(page));
      await rowWith(page, renamed).waitFor({ timeout: 20_000 });
      await screenshot(page, `workspaces-${crud.id}-crud`);

      await rowAction(rowWith(page, renamed), 'delete');
      const confirm = openDialog(page);
      // The confirmation names the record by its id.
      expect(await confirm.locator('.ui-confirm-record code').textContent()).toMatch(/^[a-z]+_/);
      problems.push(...(await pageProblems(page, consoleWatch, `${crud.id}: delete confirmation`)));
      await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
      await confirm.waitFor({ state: 'detached', timeout: 20_000 });
      await expect
        .poll(() => page.locator('tbody tr', { hasText: renamed }).count(), { timeout: 20_000 })
        .toBe(0);
      expect(problems, problems.join('\n\n')).toEqual([]);
    }, 120_000);
  }
});

describe('bulk selection', () => {
  it('deletes ticked triggers after one confirmation listing their ids', async () => {
    await openWorkspace(page, 'triggers');
    const names = ['e2e-bulk-one', 'e2e-bulk-two'];
    for (const name of names) {
      await page.getByRole('button', { name: 'Create trigger' }).click();
      await byName.fill(openDialog(page), name);
      await submit(openDialog(page));
      await rowWith(page, name).waitFor({ timeout: 20_000 });
    }
    for (const name of names) await rowWith(page, name).getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Delete selected…' }).click();
    const confirm = openDialog(page);
    expect(await confirm.locator('.ui-confirm-records li').count()).toBe(2);
    expect(await pageProblems(page, consoleWatch, 'triggers: bulk delete confirmation')).toEqual([]);
    await screenshot(page, 'workspaces-triggers-bulk');
    await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
    await confirm.waitFor({ state: 'detached', timeout: 20_000 });
    await page.getByRole('status').filter({ hasText: 'Deleted: 2.' }).waitFor({ timeout: 20_000 });
    await expect
      .poll(() => page.locator('tbody tr', { hasText: 'e2e-bulk-' }).count(), { timeout: 20_000 })
      .toBe(0);
  }, 120_000);
});
