import type { Locator, Page } from 'playwright-core';
import {
  type ConsoleWatch,
  type DashboardStack,
  describeViolations,
  seriousAccessibilityViolations,
  signIn,
} from './browser-harness.ts';

/** The one dialog open at a time (forms, confirmations, drawers all use `dialog.ui-modal`). */
export const openDialog = (page: Page): Locator => page.locator('dialog.ui-modal[open]');

/** Signs in and closes the first-run wizard, which opens by itself on a new server. */
export const signInPastWizard = async (page: Page, stack: DashboardStack): Promise<void> => {
  await signIn(page, stack);
  const wizard = openDialog(page);
  await wizard.waitFor({ timeout: 20_000 }).catch(() => undefined);
  if (await wizard.isVisible()) {
    await page.keyboard.press('Escape');
    await wizard.waitFor({ state: 'detached', timeout: 10_000 });
  }
};

/** Opens a workspace through its sidebar link and waits for its first reads. */
export const openWorkspace = async (page: Page, id: string): Promise<void> => {
  await page.locator(`nav a[href="/dashboard/${id}"]`).click();
  await page.waitForURL(`**/dashboard/${id}`);
  await page.locator('main#workspace h1').first().waitFor({ timeout: 20_000 });
  await page.waitForLoadState('networkidle');
};

/** The table row that shows `text`. */
export const rowWith = (page: Page, text: string): Locator =>
  page.locator('tbody tr', { hasText: text }).first();

/** Picks an entry of a row's Actions menu (`data-action` is the entry's id). */
export const rowAction = async (row: Locator, action: string): Promise<void> => {
  await row.locator('summary').click();
  await row.locator(`[data-action="${action}"]`).click();
};

/**
 * What is wrong with the page as it is now: console errors since the last check and serious or
 * critical axe-core violations, prefixed with `where`. Clears the console watch.
 */
export const pageProblems = async (
  page: Page,
  consoleWatch: ConsoleWatch,
  where: string,
): Promise<string[]> => {
  const problems: string[] = [];
  const violations = await seriousAccessibilityViolations(page);
  if (violations.length > 0) problems.push(`${where}:\n${describeViolations(violations)}`);
  if (consoleWatch.errors.length > 0) problems.push(`${where}: ${consoleWatch.errors.join('\n')}`);
  consoleWatch.clear();
  return problems;
};
