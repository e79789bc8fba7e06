import { GRANTS, USER_CHANGES } from './privilege-matrix.ts';
import { ACTORS } from './privilege-world.ts';

const HEADS: Readonly<Record<string, string>> = {
  ReadOnly: 'ReadOnly',
  Operator: 'Operator',
  Editor: 'Editor',
  Administrator: 'Administrator role',
  TenantAdmin: 'tenant admin',
  GlobalAdmin: 'global admin',
};

const cell = (status: number): string => (status < 300 ? `✅ ${status}` : `⛔ ${status}`);

/**
 * The privilege matrix as the Markdown tables of docs/SECURITY_TRUST_BOUNDARIES.md; the black-box
 * suite checks that the document holds exactly this text, so the doc shows what is tested.
 */
export const renderPrivilegeMatrix = (): string => {
  const head = `| change | route | ${ACTORS.map((actor) => HEADS[actor]).join(' | ')} |`;
  const rule = `|---|---|${ACTORS.map(() => '---').join('|')}|`;
  const userRows = USER_CHANGES.map(
    (row) =>
      `| ${row.change} | \`${row.route}\` | ${ACTORS.map((actor) => row.expect[actor].map(cell).join(' / ')).join(' | ')} |`,
  );
  const grantRows = GRANTS.map(
    (row) =>
      `| ${row.change} | \`${row.route}\` | ${ACTORS.map((actor) => cell(row.expect[actor])).join(' | ')} |`,
  );
  return [
    '<!-- privilege-matrix:start (generated from apps/server/test/privilege-matrix.ts) -->',
    '',
    'Changes about users. Each cell reads: itself / a peer (another holder of the same role or rank) /',
    'a tenant administrator / a global administrator.',
    '',
    head,
    rule,
    ...userRows,
    '',
    'Grants, attachments and edits of roles, permissions, tenants, administrators and accounts.',
    '',
    head,
    rule,
    ...grantRows,
    '',
    '<!-- privilege-matrix:end -->',
  ].join('\n');
};
