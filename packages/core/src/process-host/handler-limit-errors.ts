import type { ChildProcessOutcome } from './child-process-run.ts';
import type { HandlerProcessLimits } from './handler-isolation.ts';

/**
 * What runtimes print when an allocation fails under `RLIMIT_DATA`: Python's `MemoryError`,
 * Node's `Array buffer allocation failed` and heap `out of memory`, .NET's `Out of memory.` /
 * `OutOfMemoryException`, C's `Cannot allocate memory` (ENOMEM) and C++'s `bad_alloc`.
 */
const OUT_OF_MEMORY =
  /MemoryError|out of memory|OutOfMemory|allocation failed|Cannot allocate memory|bad_alloc/i;

/**
 * The error of a call that ended at one of its process limits, or null when it did not.
 * `RLIMIT_CPU` is set soft and hard alike, so the kernel ends a process at its CPU limit with
 * SIGKILL (SIGXCPU where a soft limit is lower); a SIGKILL the host did not send is read as
 * that: in a namespace nothing inside the call can send one to its first process. A memory
 * limit makes allocations fail
 * inside the handler, which then reports it on stderr in its runtime's words.
 */
export const describeLimitFailure = (
  outcome: ChildProcessOutcome,
  stderr: string,
  limits: HandlerProcessLimits,
): string | null => {
  if (outcome.kind !== 'exited' || outcome.exitCode === 0) return null;
  if (limits.cpuTimeLimitSeconds > 0 && (outcome.signal === 'SIGXCPU' || outcome.signal === 'SIGKILL')) {
    return (
      `External process was killed at its CPU-time limit of ${limits.cpuTimeLimitSeconds} s ` +
      '(runtimes.externalExecution.cpuTimeLimitSeconds).'
    );
  }
  if (limits.memoryLimitMb > 0 && OUT_OF_MEMORY.test(stderr)) {
    // Stryker disable next-line OptionalChaining,StringLiteral: no pattern spans a line break, so the line that matched is always found.
    const detail =
      stderr
        .split('\n')
        .find((line) => OUT_OF_MEMORY.test(line))
        ?.trim() ?? '';
    return (
      `External process ran out of memory under its limit of ${limits.memoryLimitMb} MiB ` +
      `(runtimes.externalExecution.memoryLimitMb): ${detail}`
    );
  }
  return null;
};
