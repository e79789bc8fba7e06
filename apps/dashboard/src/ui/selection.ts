/** Selects or unselects one row. */
export const toggleId = (selected: ReadonlySet<string>, id: string): Set<string> => {
  const next = new Set(selected);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
};

/** The header checkbox: selects every visible row, or clears them when all already are. */
export const toggleAll = (selected: ReadonlySet<string>, visible: readonly string[]): Set<string> => {
  const next = new Set(selected);
  const all = visible.length > 0 && visible.every((id) => next.has(id));
  for (const id of visible) {
    if (all) next.delete(id);
    else next.add(id);
  }
  return next;
};

/**
 * The selected ids among the rows shown, in row order: a row that left the page (paging, a
 * filter, a reload) is no longer acted on, whatever was ticked before.
 */
export const selectedVisible = (selected: ReadonlySet<string>, visible: readonly string[]): string[] =>
  visible.filter((id) => selected.has(id));

/** The header checkbox's state. */
export const headerState = (
  selected: ReadonlySet<string>,
  visible: readonly string[],
): 'none' | 'some' | 'all' => {
  const count = selectedVisible(selected, visible).length;
  return count === 0 ? 'none' : count === visible.length ? 'all' : 'some';
};
