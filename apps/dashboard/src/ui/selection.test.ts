import { describe, expect, it } from 'vitest';
import { headerState, selectedVisible, toggleAll, toggleId } from './selection.ts';

describe('row selection', () => {
  it('toggles one row', () => {
    const once = toggleId(new Set(), 'a');
    expect([...once]).toEqual(['a']);
    expect([...toggleId(once, 'a')]).toEqual([]);
  });

  it('selects every visible row, then clears them, keeping rows of other pages', () => {
    const all = toggleAll(new Set(['z']), ['a', 'b']);
    expect([...all].sort()).toEqual(['a', 'b', 'z']);
    expect([...toggleAll(all, ['a', 'b'])]).toEqual(['z']);
    expect([...toggleAll(new Set(['a']), ['a', 'b'])].sort()).toEqual(['a', 'b']);
    expect([...toggleAll(new Set(), [])]).toEqual([]);
  });

  it('acts only on selected rows still shown, in row order', () => {
    const selected = new Set(['c', 'gone', 'a']);
    expect(selectedVisible(selected, ['a', 'b', 'c'])).toEqual(['a', 'c']);
    expect(headerState(selected, ['a', 'b', 'c'])).toBe('some');
    expect(headerState(selected, ['a', 'c'])).toBe('all');
    expect(headerState(selected, ['b'])).toBe('none');
  });
});
