import { useState } from 'react';

/**
 * Which dialog of a CRUD page is open: the edit form (`editing` is the record, or `null` for a
 * new one; `undefined` when closed), the delete confirmation, or the JSON viewer.
 */
export const useRecordDialogs = <T>() => {
  const [editing, setEditing] = useState<T | null | undefined>(undefined);
  const [deleting, setDeleting] = useState<T | null>(null);
  const [json, setJson] = useState<unknown>(undefined);
  return {
    editing,
    deleting,
    json,
    openCreate: () => setEditing(null),
    openEdit: (record: T) => setEditing(record),
    closeEdit: () => setEditing(undefined),
    openDelete: (record: T) => setDeleting(record),
    closeDelete: () => setDeleting(null),
    openJson: (value: unknown) => setJson(value),
    closeJson: () => setJson(undefined),
  };
};

/** Whether any string or number inside `row` contains `query` (any case); an empty query matches. */
export const rowMatches = (row: unknown, query: string): boolean => {
  const needle = query.trim().toLowerCase();
  if (needle === '') return true;
  return JSON.stringify(row).toLowerCase().includes(needle);
};
