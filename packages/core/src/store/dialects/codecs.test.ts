import { describe, expect, it } from 'vitest';
import { codecFor, storableJson, storableText, TEXT_REPLACEMENT } from './codecs.ts';

const NUL = '\u0000';

describe('storable text', () => {
  it('replaces NUL and unpaired surrogates with U+FFFD and keeps everything else', () => {
    expect(storableText(`a${NUL}b${NUL}`)).toBe(`a${TEXT_REPLACEMENT}b${TEXT_REPLACEMENT}`);
    expect(storableText('lone \uD800 high, lone \uDC00 low')).toBe(
      `lone ${TEXT_REPLACEMENT} high, lone ${TEXT_REPLACEMENT} low`,
    );
    expect(storableText('pair 😀, ünïcode, \\u0000 spelled out')).toBe(
      'pair 😀, ünïcode, \\u0000 spelled out',
    );
  });

  it('writes JSON whose NULs in strings and keys are U+FFFD, leaving a spelled-out escape alone', () => {
    const json = storableJson({ [`k${NUL}`]: [`v${NUL}`, '\\u0000', `\\${NUL}`] });
    expect(JSON.parse(json ?? '')).toEqual({
      [`k${TEXT_REPLACEMENT}`]: [`v${TEXT_REPLACEMENT}`, '\\u0000', `\\${TEXT_REPLACEMENT}`],
    });
    expect(storableJson({ plain: 1 })).toBe('{"plain":1}');
    expect(storableJson(undefined)).toBeUndefined();
  });

  it('is what the text and JSON column codecs bind', () => {
    expect(codecFor('longText').toDriver(`x${NUL}`)).toBe(`x${TEXT_REPLACEMENT}`);
    expect(codecFor('text').toDriver(42)).toBe(42);
    expect(codecFor('json').toDriver([NUL])).toBe(`["${TEXT_REPLACEMENT}"]`);
  });
});

describe('timestamps', () => {
  const timestamp = codecFor('timestamp');

  it('keeps canonical UTC text and normalises every other form to it', () => {
    expect(timestamp.toDriver('2026-12-02T04:10:06.123Z')).toBe('2026-12-02T04:10:06.123Z');
    expect(timestamp.toDriver('2026-12-02T05:10:06+01:00')).toBe('2026-12-02T04:10:06.000Z');
    expect(timestamp.toDriver(Date.UTC(2026, 11, 2))).toBe('2026-12-02T00:00:00.000Z');
    expect(timestamp.fromDriver(new Date(Date.UTC(2026, 11, 2, 4)))).toBe('2026-12-02T04:00:00.000Z');
  });
});
