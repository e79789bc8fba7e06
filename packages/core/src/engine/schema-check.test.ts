import { describe, expect, it } from 'vitest';
import { checkAgainstSchema } from './schema-check.ts';

const withId = (id: string, type: string) => JSON.stringify({ $id: id, type });

describe('checkAgainstSchema', () => {
  it('compiles two schemas with the same $id, in one tenant or two', () => {
    expect(checkAgainstSchema('ten_a', withId('https://schemas.example/shared', 'object'), {})).toBeNull();
    expect(
      checkAgainstSchema('ten_b', withId('https://schemas.example/shared', 'string'), 'text'),
    ).toBeNull();
    // The same tenant edits its schema: the new content applies, the old $id does not block it.
    expect(checkAgainstSchema('ten_a', withId('https://schemas.example/shared', 'number'), 5)).toBeNull();
    expect(checkAgainstSchema('ten_a', withId('https://schemas.example/shared', 'number'), 'five')).toBe(
      '(root) must be number',
    );
  });

  it("never resolves a $ref to another schema, whoever's it is", () => {
    expect(checkAgainstSchema('ten_a', withId('https://schemas.example/tenant-a', 'object'), {})).toBeNull();
    const problem = checkAgainstSchema(
      'ten_c',
      JSON.stringify({ $ref: 'https://schemas.example/tenant-a' }),
      {},
    );
    expect(problem).toMatch(/^the schema is not valid: .*schemas\.example\/tenant-a/);
    expect(
      checkAgainstSchema('ten_a', JSON.stringify({ $ref: 'https://schemas.example/tenant-a' }), {}),
    ).toMatch(/^the schema is not valid/);
  });

  it('resolves a $ref within the schema itself', () => {
    const schema = JSON.stringify({
      definitions: { id: { type: 'integer' } },
      type: 'object',
      properties: { id: { $ref: '#/definitions/id' } },
    });
    expect(checkAgainstSchema('ten_a', schema, { id: 1 })).toBeNull();
    expect(checkAgainstSchema('ten_a', schema, { id: 'x' })).toBe('/id must be integer');
  });

  it('says why a schema does not compile', () => {
    expect(checkAgainstSchema('ten_a', '{"type":', {})).toMatch(/^the schema is not valid: /);
    expect(checkAgainstSchema('ten_a', '{"type":"no-such-type"}', {})).toMatch(/^the schema is not valid: /);
  });

  it('matches patterns in linear time, so a catastrophic pattern cannot hold the thread', () => {
    const schema = JSON.stringify({ type: 'string', pattern: '^(a+)+$' });
    const started = performance.now();
    // Backtracking takes about half a second at 26 characters and doubles with each one more:
    // about 4 s here, kept finite so a regression fails instead of hanging the suite.
    expect(checkAgainstSchema('ten_a', schema, `${'a'.repeat(29)}!`)).toMatch(/must match pattern/);
    expect(checkAgainstSchema('ten_a', schema, 'aaaa')).toBeNull();
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('refuses a pattern a linear-time engine cannot run (lookbehind) as an invalid schema', () => {
    const schema = JSON.stringify({ type: 'string', pattern: '(?<=a)b' });
    expect(checkAgainstSchema('ten_a', schema, 'ab')).toMatch(/^the schema is not valid/);
  });
});
