import { describe, expect, it } from 'vitest';
import { rowMatches } from './record-dialogs.ts';

describe('rowMatches', () => {
  const row = {
    id: 'flow_01ABC',
    name: 'Nightly Export',
    transitions: { 'export.csv': { onSuccess: null } },
  };
  it('matches any text of the row, in any case, nested values too', () => {
    expect(rowMatches(row, 'nightly')).toBe(true);
    expect(rowMatches(row, 'FLOW_01')).toBe(true);
    expect(rowMatches(row, 'export.csv')).toBe(true);
  });
  it('matches everything on an empty query and nothing on a foreign one', () => {
    expect(rowMatches(row, '  ')).toBe(true);
    expect(rowMatches(row, 'daily')).toBe(false);
  });
});
