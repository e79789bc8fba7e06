import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECTIONS } from '../src/shell/sections.ts';
import {
  adminRequest,
  type Browser,
  type ConsoleWatch,
  type DashboardStack,
  describeViolations,
  launchBrowser,
  screenshot,
  seriousAccessibilityViolations,
  signIn,
  startStack,
  watchConsole,
} from './browser-harness.ts';

/**
 * The shell against `./tempo up --workers 1` in Debian's Chromium: sign-in, the first-run
 * wizard end to end, every workspace (console, axe-core, screenshot), a worker drained and
 * resumed from its drawer, and the shell in Japanese.
 */

let stack: DashboardStack;
let browser: Browser;
let page: Page;
let consoleWatch: ConsoleWatch;

beforeAll(async () => {
  stack = await startStack({ workers: 1 });
  browser = await launchBrowser();
  page = await browser.context.newPage();
  consoleWatch = watchConsole(page);
}, 360_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
}, 60_000);

const wizard = () => page.locator('dialog.ui-modal');
const wizardButton = (name: string) => wizard().getByRole('button', { name, exact: true });

describe('dashboard shell', () => {
  it('signs in and opens the setup wizard on the first visit', async () => {
    await signIn(page, stack);
    await expect.poll(() => wizard().isVisible(), { timeout: 20_000 }).toBe(true);
    await expect.poll(() => wizard().getByRole('heading', { name: 'Setup wizard' }).isVisible()).toBe(true);
    await screenshot(page, 'wizard-welcome');
  }, 60_000);

  it('completes the wizard and shows both example responses with their headers', async () => {
    await wizardButton('Next').click();
    await wizardButton('Create the steps').click();
    await expect.poll(() => wizardButton('Next').isEnabled(), { timeout: 120_000 }).toBe(true);
    await wizardButton('Next').click();
    await wizardButton('Create the flows').click();
    await expect.poll(() => wizardButton('Next').isEnabled(), { timeout: 30_000 }).toBe(true);
    await wizardButton('Next').click();
    await wizardButton('Create the triggers').click();
    await expect.poll(() => wizardButton('Next').isEnabled(), { timeout: 30_000 }).toBe(true);
    await wizardButton('Next').click();
    await wizardButton('Run both flows').click();
    await expect.poll(() => wizardButton('Next').isEnabled(), { timeout: 120_000 }).toBe(true);
    await wizardButton('Next').click();

    const echo = wizard().locator('.wizard-result[data-flow="echo"]');
    const chained = wizard().locator('.wizard-result[data-flow="chained"]');
    expect(JSON.parse((await echo.locator('.wizard-body').textContent()) ?? '')).toEqual({ value: 123 });
    const doubled = JSON.parse((await chained.locator('.wizard-body').textContent()) ?? '');
    expect(doubled.value).toBe(doubled.original * 2);
    expect(doubled.original).toBeGreaterThanOrEqual(1);
    expect(doubled.original).toBeLessThanOrEqual(10);
    for (const result of [echo, chained]) {
      const headers = await result.locator('.wizard-headers').textContent();
      expect(headers).toMatch(/^x-run-id: run_/m);
      expect(headers).toMatch(/^x-run-state: Succeeded$/m);
      expect(headers).toMatch(/^x-runtime-ms: \d+(\.\d+)?$/m);
    }
    await screenshot(page, 'wizard-done');
    await wizardButton('Finish').click();
    await expect.poll(() => wizard().count()).toBe(0);

    // The wizard remembers it was closed for this server and tenant.
    await page.reload();
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    await page.waitForTimeout(1500);
    expect(await wizard().count()).toBe(0);
  }, 300_000);

  it('visits every workspace with no console error and no serious accessibility violation', async () => {
    consoleWatch.clear();
    const problems: string[] = [];
    for (const section of SECTIONS) {
      await page.locator(`nav a[href="/dashboard/${section.id}"]`).click();
      await page.waitForURL(`**/dashboard/${section.id}`);
      await page.locator('main#workspace h1').first().waitFor({ timeout: 20_000 });
      // Let the page's first reads settle before judging it.
      await page.waitForLoadState('networkidle');
      const violations = await seriousAccessibilityViolations(page);
      if (violations.length > 0) problems.push(`${section.id}:\n${describeViolations(violations)}`);
      if (consoleWatch.errors.length > 0) problems.push(`${section.id}: ${consoleWatch.errors.join('\n')}`);
      consoleWatch.clear();
      await screenshot(page, `workspace-${section.id}`);
    }
    expect(problems, problems.join('\n\n')).toEqual([]);
  }, 300_000);

  it('drains and resumes a worker from its drawer', async () => {
    await page.locator('nav a[href="/dashboard/workers"]').click();
    const row = page.locator('tr', { hasText: 'Remote worker' }).first();
    await row.waitFor({ timeout: 30_000 });
    await row.click();
    const drawer = page.locator('dialog.ui-modal');
    const workerId = ((await drawer.locator('.ui-copyable-id code').first().textContent()) ?? '').trim();
    expect(workerId).toMatch(/^wrk_/);

    await drawer.locator('[data-action="drain"]').click();
    await expect
      .poll(() => drawer.getByTestId('worker-admission').textContent(), { timeout: 15_000 })
      .toBe('Draining');
    expect(await adminRequest(stack, 'GET', `/v1.0/workers/${workerId}`)).toMatchObject({ drainMode: true });
    await screenshot(page, 'worker-drained');

    await drawer.locator('[data-action="resume"]').click();
    await expect
      .poll(() => drawer.getByTestId('worker-admission').textContent(), { timeout: 15_000 })
      .toBe('Accepting runs');
    expect(await adminRequest(stack, 'GET', `/v1.0/workers/${workerId}`)).toMatchObject({ drainMode: false });
    await page.keyboard.press('Escape');
  }, 120_000);

  it('keeps the sidebar scrolling on its own, and collapses it on a narrow window', async () => {
    const overflow = (selector: string) =>
      page.locator(selector).evaluate((element) => getComputedStyle(element).overflowY);
    expect(await overflow('.sidebar-nav')).toBe('auto');
    expect(await overflow('main#workspace')).toBe('auto');
    await page.setViewportSize({ width: 700, height: 800 });
    await page.reload();
    await page.locator('main#workspace h1').first().waitFor();
    expect(await page.locator('.shell').getAttribute('data-collapsed')).toBe('true');
    expect(await page.locator('nav a[href="/dashboard/home"]').isVisible()).toBe(true);
    await screenshot(page, 'shell-narrow');
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.reload();
    await page.locator('main#workspace h1').first().waitFor();
  }, 60_000);

  it('switches the shell to Japanese', async () => {
    await page.locator('header.topbar select').last().selectOption('ja');
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('ja');
    await expect
      .poll(() => page.locator('nav a[href="/dashboard/settings"]').textContent())
      .toContain('設定');
    expect(await page.getByRole('button', { name: 'サインアウト' }).isVisible()).toBe(true);
    expect(await page.evaluate(() => window.localStorage.getItem('tempo.locale'))).toBe('ja');
    await screenshot(page, 'shell-ja');
    expect(consoleWatch.errors).toEqual([]);
  }, 60_000);
});
