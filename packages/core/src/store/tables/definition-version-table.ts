import { col, table } from '../table-model.ts';
import { nowUtc } from './common-columns.ts';

/**
 * `definition_versions`: one row (id `definitions`) whose `stamp` changes after every write to a
 * table a trigger call's definitions come from. Servers sharing the database compare it with the
 * stamp their cached definitions were read under, so an edit made through one server reaches the
 * next call on every other (see `DefinitionStamp`).
 */
export const definitionVersions = table('definition_versions', {
  id: col.id(),
  /** A random value, new at each bump: only its equality with an earlier read matters. */
  stamp: col.text(64),
  updatedUtc: col.timestamp().default(nowUtc),
});
