import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  auditCode,
  auditResources,
  describeFindings,
  readResources,
  type SharedWords,
} from './i18n-audit.ts';

const SRC = join(import.meta.dirname, '..');
const LOCALES_DIR = join(SRC, 'locales');
const resources = readResources(LOCALES_DIR);
const shared = JSON.parse(readFileSync(join(LOCALES_DIR, 'shared-words.json'), 'utf8')) as SharedWords;

describe('i18n audit', () => {
  it('finds no raw user-visible string in the code and no t() key missing from en', () => {
    const findings = auditCode(SRC, resources);
    expect(findings, describeFindings(findings)).toEqual([]);
  });

  it('finds every key of en in every locale, with its placeholders, translated', () => {
    const findings = auditResources(resources, shared);
    expect(findings, describeFindings(findings)).toEqual([]);
  });

  it('ships the critical strings as reviewed', () => {
    const shell = (locale: string) => resources.get(locale)?.get('shell');
    expect(shell('es')?.get('sections.logs.label')).toBe('Registros');
    expect(shell('ja')?.get('topbar.signOut')).toBe('サインアウト');
    expect(shell('de')?.get('sections.settings.label')).toBe('Einstellungen');
    expect(shell('zh-Hans')?.get('sections.settings.label')).toBe('设置');
    expect(shell('zh-Hant-TW')?.get('sections.settings.label')).toBe('設定');
  });
});
