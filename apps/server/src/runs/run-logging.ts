import type { TempoSettings } from '@tempo/contracts';
import type { Logger } from '@tempo/core/logging';
import { RunLogReader, RunLogRetention, RunLogWriter, type RunRetentionView } from '@tempo/core/run-logs';
import { op, type Repositories } from '@tempo/core/store';

/** This server's run logs: the writer of its pseudo-worker, the reader of the API, the prune loop. */
export interface RunLogging {
  /** Null when `runLogs.enabled` is off: runs then write nothing, earlier logs stay readable. */
  readonly writer: RunLogWriter | null;
  readonly reader: RunLogReader;
  readonly retention: RunLogRetention;
}

/** Builds the run logs of this server over `runLogs` (its root already absolute). */
export const createRunLogging = (
  settings: TempoSettings['runLogs'],
  repositories: Repositories,
  log: Logger,
): RunLogging => {
  const { rootPath } = settings;
  const writer = settings.enabled
    ? new RunLogWriter({ rootPath, maxBytesPerRun: settings.maxBytesPerRun, log })
    : null;
  return {
    writer,
    reader: new RunLogReader({ rootPath, limits: settings }),
    retention: new RunLogRetention({
      rootPath,
      retentionDays: settings.retentionDays,
      pruneIntervalMinutes: settings.pruneIntervalMinutes,
      log,
      ...(writer ? { isWriting: (runId: string) => writer.isWriting(runId) } : {}),
      // Housekeeping over every tenant's folders: the run ids come from the folder names and
      // nothing read here is served.
      lookupRuns: async (runIds) => {
        const rows = await repositories.flowRuns.findAcrossTenants({ id: op.in(runIds) }, runIds.length);
        return new Map<string, RunRetentionView>(rows.map((row) => [row.id, row]));
      },
    }),
  };
};
