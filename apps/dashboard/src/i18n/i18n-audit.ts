import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { DEFAULT_LOCALE, LOCALES } from './locales.ts';

/** One finding of the audit: where, and what is wrong. */
export interface AuditFinding {
  readonly file: string;
  readonly line: number;
  readonly rule:
    | 'raw-jsx-text'
    | 'raw-attribute'
    | 'raw-component-prop'
    | 'raw-text-property'
    | 'raw-error-text'
    | 'unknown-key'
    | 'missing-namespace'
    | 'missing-key'
    | 'untranslated'
    | 'placeholders';
  readonly detail: string;
}

/** Attributes a person reads or hears on any element. */
const TEXT_ATTRIBUTES: ReadonlySet<string> = new Set([
  'title',
  'aria-label',
  'aria-description',
  'aria-placeholder',
  'aria-roledescription',
  'aria-valuetext',
  'placeholder',
  'alt',
  'label',
]);

/** Shared components (spec §4.5 and `src/ui`) whose text props must come from i18n. */
const SHARED_COMPONENTS: ReadonlySet<string> = new Set([
  'PageHeader',
  'ModalRecordId',
  'CopyButton',
  'CopyableId',
  'JsonViewerModal',
  'ConfirmModal',
  'Modal',
  'FormModal',
  'DataTable',
  'TextField',
  'SelectField',
  'Toggle',
  'JsonField',
  'Badge',
  'Chart',
  'CodeEditor',
  'ErrorNotice',
  'Tiles',
]);

/** Props of those components that carry text. */
const TEXT_PROPS: ReadonlySet<string> = new Set([
  'title',
  'subtitle',
  'message',
  'label',
  'confirmLabel',
  'caption',
  'emptyText',
  'text',
  'hint',
  'placeholder',
  'header',
]);

/** Object properties that become visible text (table columns, tiles, actions, options). */
const TEXT_PROPERTIES: ReadonlySet<string> = new Set([
  'header',
  'label',
  'title',
  'subtitle',
  'hint',
  'message',
  'emptyText',
  'caption',
  'text',
]);

/** Words that stay as they are in every language: product and protocol names. */
export const PRODUCT_WORDS: readonly string[] = [
  'Tempo',
  'JSON',
  'cURL',
  'curl',
  'curl.exe',
  'fetch',
  'JavaScript',
  'Python',
  'C#',
  'HTTP',
  'HTTPS',
  'API',
  'URL',
  'ID',
  'IDs',
  'OpenAPI',
  'OpenTelemetry',
  'OTLP',
  'Prometheus',
  'Loki',
  'Grafana',
  'TLS',
  'CORS',
  'SQLite',
  'PostgreSQL',
  'MySQL',
  'SQL',
  'Server',
  'REST',
  'GET',
  'POST',
  'PUT',
  'DELETE',
  'UTC',
  'SHA-256',
  'ZIP',
  'Node.js',
  '.NET',
  'x-api-key',
  'Linux',
  'macOS',
  'Windows',
  'English',
  'Español',
  'Deutsch',
  'Français',
  'Italiano',
];

const hasLetter = (text: string) => /\p{L}/u.test(text);

const walkFiles = (dir: string, accept: (name: string) => boolean): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return walkFiles(path, accept);
    return accept(name) ? [path] : [];
  });

const isSourceFile = (name: string) =>
  /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) && !name.endsWith('.d.ts');

/** The text of a string-like expression, or null when it is computed. */
const literalText = (node: ts.Node | undefined): string | null => {
  if (node === undefined) return null;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isJsxExpression(node)) return literalText(node.expression);
  if (ts.isParenthesizedExpression(node)) return literalText(node.expression);
  return null;
};

const tagName = (node: ts.JsxOpeningLikeElement): string => node.tagName.getText();

/** Namespaces named by `useTranslation('ns')` in a file. */
const namespacesOf = (source: ts.SourceFile): string[] => {
  const found = new Set<string>();
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && node.expression.getText(source) === 'useTranslation') {
      const ns = literalText(node.arguments[0]);
      if (ns !== null) found.add(ns);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return [...found];
};

/** The keys of a nested resource object, dotted. */
export const flattenKeys = (value: unknown, prefix = ''): Map<string, string> => {
  const keys = new Map<string, string>();
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) {
      for (const [path, text] of flattenKeys(child, prefix ? `${prefix}.${key}` : key)) keys.set(path, text);
    }
  } else if (typeof value === 'string') {
    keys.set(prefix, value);
  }
  return keys;
};

const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

/** The resources of every locale: locale → namespace → dotted key → text. */
export type LocaleResources = Map<string, Map<string, Map<string, string>>>;

/** Reads `<localesDir>/<locale>/<namespace>.json` for every shipped locale. */
export const readResources = (localesDir: string): LocaleResources => {
  const resources: LocaleResources = new Map();
  for (const locale of LOCALES) {
    const namespaces = new Map<string, Map<string, string>>();
    let names: string[] = [];
    try {
      names = readdirSync(join(localesDir, locale)).filter((name) => name.endsWith('.json'));
    } catch {
      names = [];
    }
    for (const name of names) {
      namespaces.set(
        name.replace(/\.json$/, ''),
        flattenKeys(JSON.parse(readFileSync(join(localesDir, locale, name), 'utf8'))),
      );
    }
    resources.set(locale, namespaces);
  }
  return resources;
};

const hasKey = (keys: Map<string, string> | undefined, key: string) =>
  keys !== undefined &&
  (keys.has(key) || [...keys.keys()].some((candidate) => candidate.replace(PLURAL_SUFFIX, '') === key));

/** Audits the code under `srcDir`: raw visible text, and `t()` keys that `en` does not hold. */
export const auditCode = (srcDir: string, resources: LocaleResources): AuditFinding[] => {
  const findings: AuditFinding[] = [];
  const english = resources.get(DEFAULT_LOCALE) ?? new Map();
  for (const path of walkFiles(srcDir, isSourceFile)) {
    const text = readFileSync(path, 'utf8');
    const source = ts.createSourceFile(
      path,
      text,
      ts.ScriptTarget.Latest,
      true,
      path.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
    );
    const file = relative(srcDir, path);
    const namespaces = namespacesOf(source);
    const report = (node: ts.Node, rule: AuditFinding['rule'], detail: string) =>
      findings.push({
        file,
        line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1,
        rule,
        detail,
      });
    const isProductWord = (value: string) => PRODUCT_WORDS.includes(value.trim());
    const visit = (node: ts.Node) => {
      if (ts.isJsxText(node) && hasLetter(node.text) && !isProductWord(node.text)) {
        report(node, 'raw-jsx-text', node.text.trim());
      }
      if (ts.isJsxAttribute(node)) {
        const name = node.name.getText(source);
        const value = literalText(node.initializer);
        const element = node.parent.parent;
        if (value !== null && hasLetter(value) && !isProductWord(value)) {
          if (TEXT_ATTRIBUTES.has(name)) report(node, 'raw-attribute', `${name}="${value}"`);
          else if (TEXT_PROPS.has(name) && SHARED_COMPONENTS.has(tagName(element))) {
            report(node, 'raw-component-prop', `<${tagName(element)} ${name}="${value}">`);
          }
        }
      }
      if (
        path.endsWith('.tsx') &&
        ts.isPropertyAssignment(node) &&
        TEXT_PROPERTIES.has(node.name.getText(source))
      ) {
        const value = literalText(node.initializer);
        if (value !== null && hasLetter(value) && !isProductWord(value)) {
          report(node, 'raw-text-property', `${node.name.getText(source)}: "${value}"`);
        }
      }
      // An error made in a component is shown to the user; only a thrown one (a programming
      // mistake, never caught for display) may keep a literal message.
      if (path.endsWith('.tsx') && ts.isNewExpression(node) && node.expression.getText(source) === 'Error') {
        const message = literalText(node.arguments?.[0]);
        if (message !== null && hasLetter(message) && !ts.isThrowStatement(node.parent)) {
          report(node, 'raw-error-text', `new Error("${message}")`);
        }
      }
      if (ts.isCallExpression(node)) {
        const callee = node.expression.getText(source);
        const first = literalText(node.arguments[0]);
        if (/^(window\.)?(alert|confirm|prompt)$/.test(callee) && first !== null && hasLetter(first)) {
          report(node, 'raw-error-text', `${callee}("${first}")`);
        }
        if ((callee === 't' || callee === 'i18n.t') && first !== null) {
          const [explicit, rest] = first.includes(':') ? first.split(/:(.*)/s) : [null, first];
          const candidates = explicit ? [explicit] : namespaces;
          const key = rest ?? first;
          if (candidates.length > 0 && !candidates.some((ns) => hasKey(english.get(ns), key))) {
            report(node, 'unknown-key', `${candidates.join('|')}:${key}`);
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return findings;
};

const placeholders = (text: string) =>
  [...text.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((match) => match[1]).sort();

/** Words each locale may share with English (the same spelling is the right translation there). */
export type SharedWords = Readonly<Record<string, readonly string[]>>;

/**
 * Audits the resources: every namespace of `en` exists in each locale with every key, the same
 * placeholders, and a text that is not the English one (unless it only holds product words or
 * is in `shared` for that locale).
 */
export const auditResources = (resources: LocaleResources, shared: SharedWords): AuditFinding[] => {
  const findings: AuditFinding[] = [];
  const english = resources.get(DEFAULT_LOCALE) ?? new Map();
  const strip = (text: string) => {
    let rest = text.replace(/\{\{[^}]*\}\}/g, ' ');
    for (const word of [...PRODUCT_WORDS].sort((a, b) => b.length - a.length))
      rest = rest.split(word).join(' ');
    return rest;
  };
  for (const locale of LOCALES) {
    if (locale === DEFAULT_LOCALE) continue;
    const namespaces = resources.get(locale) ?? new Map();
    const allowed = new Set([...(shared['*'] ?? []), ...(shared[locale] ?? [])]);
    for (const [namespace, keys] of english) {
      const file = `locales/${locale}/${namespace}.json`;
      const translated = namespaces.get(namespace);
      if (translated === undefined) {
        findings.push({ file, line: 0, rule: 'missing-namespace', detail: namespace });
        continue;
      }
      for (const [key, text] of keys) {
        const base = key.replace(PLURAL_SUFFIX, '');
        // Languages without a singular form carry only `_other`.
        const value =
          translated.get(key) ?? (key.endsWith('_one') ? translated.get(`${base}_other`) : undefined);
        if (value === undefined) {
          findings.push({ file, line: 0, rule: 'missing-key', detail: key });
          continue;
        }
        if (placeholders(value).join() !== placeholders(text).join()) {
          findings.push({
            file,
            line: 0,
            rule: 'placeholders',
            detail: `${key}: ${placeholders(text).join()} vs ${placeholders(value).join()}`,
          });
        }
        if (value === text && hasLetter(strip(text)) && !allowed.has(text)) {
          findings.push({ file, line: 0, rule: 'untranslated', detail: `${key}: "${text}"` });
        }
      }
    }
  }
  return findings;
};

/** Findings as readable lines for a failing test. */
export const describeFindings = (findings: readonly AuditFinding[]): string =>
  findings.map((finding) => `${finding.file}:${finding.line} ${finding.rule} ${finding.detail}`).join('\n');
