import { describe, expect, it } from 'vitest';
import { CompiledStatements } from './compiled-statements.ts';
import { codecFor } from './dialects/codecs.ts';
import { op, UndefinedFilterValueError } from './filters.ts';
import { col, table } from './table-model.ts';

const things = table('things', {
  id: col.id(),
  name: col.text(),
  size: col.int(),
  seenUtc: col.timestamp(),
});

const postgresStyle = () =>
  new CompiledStatements({
    quote: (identifier) => `"${identifier}"`,
    parameter: (position) => `$${position}`,
    codec: (kind) => codecFor(kind),
  });

describe('statements compiled once per shape', () => {
  it('writes one text per shape and binds each call its own values', () => {
    const statements = postgresStyle();
    const first = statements.select(things, { id: 'a' }, [{ column: 'name', direction: 'asc' }]);
    const second = statements.select(things, { id: 'b' }, [{ column: 'name', direction: 'asc' }]);
    expect(first.text).toBe(
      'select "id", "name", "size", "seen_utc" from "things" where ("id" = $1) order by "name" asc',
    );
    expect(second.text).toBe(first.text);
    expect(second.params).toEqual(['b']);
  });

  it('numbers parameters in text order: update values, then filter, then paging', () => {
    const statements = postgresStyle();
    const update = statements.update(things, { name: 'n', size: 3 }, { id: op.in(['a', 'b']), size: null });
    expect(update.text).toBe(
      'update "things" set "name" = $1, "size" = $2 where ("id" in ($3, $4)) and ("size" is null)',
    );
    expect(update.params).toEqual(['n', 3, 'a', 'b']);
    const paged = statements.select(
      things,
      { size: op.range({ gt: 1, lt: 9 }), name: op.contains('A_b') },
      [],
      { limit: 10, offset: 20 },
    );
    expect(paged.text).toBe(
      'select "id", "name", "size", "seen_utc" from "things" where ("size" > $1) and ("size" < $2) and (lower("name") like $3 escape \'!\') limit $4 offset $5',
    );
    expect(paged.params).toEqual([1, 9, '%a!_b%', 10, 20]);
  });

  it('gives IN lists of other lengths texts of their own, and an empty one matches nothing', () => {
    const statements = postgresStyle();
    const two = statements.count(things, { id: op.in(['a', 'b']) });
    const three = statements.count(things, { id: op.in(['a', 'b', 'c']) });
    expect(two.text).not.toBe(three.text);
    expect(three.text).toBe('select count(*) as n from "things" where ("id" in ($1, $2, $3))');
    expect(statements.delete(things, { id: op.in([]) }).text).toBe('delete from "things" where (1 = 0)');
  });

  it('encodes values with the column codecs', () => {
    const statements = postgresStyle();
    const insert = statements.insert(things, [
      { id: 'a', name: 'x\u0000y', size: 1, seenUtc: Date.UTC(2026, 0, 2) },
    ]);
    expect(insert.text).toBe(
      'insert into "things" ("id", "name", "size", "seen_utc") values ($1, $2, $3, $4)',
    );
    expect(insert.params).toEqual(['a', 'x\uFFFDy', 1, '2026-01-02T00:00:00.000Z']);
  });

  it('refuses undefined filter values and unknown columns', () => {
    const statements = postgresStyle();
    expect(() => statements.select(things, { id: undefined }, [])).toThrow(UndefinedFilterValueError);
    expect(() => statements.select(things, { nope: 'x' } as never, [])).toThrow(/Unknown column "nope"/);
    expect(() => statements.select(things, {}, [{ column: 'nope', direction: 'asc' }])).toThrow(
      /Unknown column "nope"/,
    );
  });
});
