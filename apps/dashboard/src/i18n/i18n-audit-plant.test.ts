import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { auditCode, auditResources, readResources } from './i18n-audit.ts';

const SRC = join(import.meta.dirname, '..');
let copy: string | null = null;

/** A copy of the dashboard's sources to plant mistakes in; the real tree is never touched. */
const copySources = (): string => {
  copy = mkdtempSync(join(tmpdir(), 'tempo-i18n-audit-'));
  cpSync(SRC, copy, { recursive: true });
  return copy;
};

afterEach(() => {
  if (copy) rmSync(copy, { recursive: true, force: true });
  copy = null;
});

const plant = (root: string, file: string, find: string, replace: string) => {
  const path = join(root, file);
  const text = readFileSync(path, 'utf8');
  expect(text).toContain(find);
  writeFileSync(path, text.replace(find, replace));
};

describe('the i18n audit catches what it is for', () => {
  it('starts from a clean tree', () => {
    const root = copySources();
    expect(auditCode(root, readResources(join(root, 'locales')))).toEqual([]);
  });

  it('fails on raw JSX text, raw attributes, literal props of shared components and raw errors', () => {
    const root = copySources();
    plant(root, 'shell/shell.tsx', "{t('wizard.open')}</span>", 'Setup wizard</span>');
    plant(root, 'shell/shell.tsx', "title={t('wizard.hint')}", 'title="Open the wizard"');
    plant(root, 'workspaces/home/index.tsx', "subtitle={t('subtitle')}", 'subtitle="What this tenant holds"');
    plant(root, 'login/login-page.tsx', "new Error(t('login.refused'))", "new Error('Wrong password')");
    plant(root, 'workspaces/logs/index.tsx', "header: t('files.size')", "header: 'Size'");
    const findings = auditCode(root, readResources(join(root, 'locales')));
    expect(findings.map((finding) => `${finding.file}:${finding.rule}`).sort()).toEqual(
      [
        'login/login-page.tsx:raw-error-text',
        'shell/shell.tsx:raw-attribute',
        'shell/shell.tsx:raw-jsx-text',
        'workspaces/home/index.tsx:raw-component-prop',
        'workspaces/logs/index.tsx:raw-text-property',
      ].sort(),
    );
  });

  it('fails on a t() key that en does not hold', () => {
    const root = copySources();
    plant(root, 'shell/shell.tsx', "t('wizard.open')", "t('wizard.opne')");
    const findings = auditCode(root, readResources(join(root, 'locales')));
    expect(findings).toEqual([
      expect.objectContaining({ file: 'shell/shell.tsx', rule: 'unknown-key', detail: 'shell:wizard.opne' }),
    ]);
  });

  it('fails on a key missing from a locale and on a text left in English', () => {
    const root = copySources();
    const path = join(root, 'locales', 'fr', 'shell.json');
    const resource = JSON.parse(readFileSync(path, 'utf8'));
    delete resource.topbar.signOut;
    resource.login.submit = 'Sign in';
    writeFileSync(path, JSON.stringify(resource));
    const shared = JSON.parse(readFileSync(join(root, 'locales', 'shared-words.json'), 'utf8'));
    const findings = auditResources(readResources(join(root, 'locales')), shared);
    const french = findings.filter((finding) => finding.file === 'locales/fr/shell.json');
    expect(french.map((finding) => `${finding.rule} ${finding.detail.split(':')[0]}`).sort()).toEqual([
      'missing-key topbar.signOut',
      'untranslated login.submit',
    ]);
  });
});
