import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TOOL_CATALOG } from '../src/tools/tool-catalog.ts';

/** docs/mcp.md names every tool the MCP server lists, so no tool ships undocumented. */

const PAGE = resolve(import.meta.dirname, '..', '..', '..', 'docs', 'mcp.md');

describe('docs/mcp.md', () => {
  it('names every tool of the catalogue as `code`', () => {
    const page = readFileSync(PAGE, 'utf8');
    expect(TOOL_CATALOG.length).toBeGreaterThan(40);
    const missing = TOOL_CATALOG.map((tool) => tool.name).filter((name) => !page.includes(`\`${name}\``));
    expect(missing, 'tools missing from docs/mcp.md').toEqual([]);
  });
});
