/** Per-run log files: the writer a run's executor uses, the reader of the API, and retention. */
export { RunLogBudget, truncationMarker } from './run-log-budget.ts';
export { RunLogErrors } from './run-log-errors.ts';
export { keyInFileName, parseRunLogPath } from './run-log-layout.ts';
export { checkRunLogPath } from './run-log-path.ts';
export {
  type RunLogDownload,
  RunLogReader,
  type RunLogReaderOptions,
  type RunLogReadLimits,
  type RunLogRunView,
} from './run-log-reader.ts';
export {
  type RunLogPruneReport,
  RunLogRetention,
  type RunLogRetentionOptions,
  type RunRetentionView,
} from './run-log-retention.ts';
export {
  type RunLog,
  type RunLogAttempt,
  type RunLogEnd,
  type RunLogRun,
  type RunLogStepEnd,
  RunLogWriter,
  type RunLogWriterOptions,
} from './run-log-writer.ts';
export { currentStepLog, type HandlerLogFile, type StepLogTarget } from './step-log-scope.ts';
