import { col, table } from '../table-model.ts';
import { nowUtc } from './common-columns.ts';

/**
 * `scheduler_leases`: one row per role that exactly one server sharing the database may hold at
 * a time (today only `scheduler`). `epoch` grows by one at every change of holder, so a holder
 * can tell its own tenure from a later one; a released lease has no holder.
 */
export const schedulerLeases = table(
  'scheduler_leases',
  {
    name: col.text(64),
    /** The `srv_` id of the holding server; null once released. */
    holderInstanceId: col.id().nullable(),
    epoch: col.bigint().default(0),
    acquiredUtc: col.timestamp().default(nowUtc),
    /** The holder's own clock's view of when the lease lapses unless renewed. */
    expiresUtc: col.timestamp().default(nowUtc),
  },
  { primaryKey: ['name'] },
);
