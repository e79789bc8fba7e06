import { assertNever } from '@tempo/contracts';
import type { StepResult } from '../runtimes/step-protocol.ts';
import type { ChildProcessOutcome } from './child-process-run.ts';
import type { HandlerInvocation } from './process-handler-host.ts';
import { parseStepResult } from './protocol-v1.ts';

/** A result the host makes itself: an `Exception` with `message`. */
export const exception = (message: string): StepResult => ({
  result: 'Exception',
  data: null,
  errorMessage: message,
});

/** `message`, with the handler's stderr after a colon when there is any. */
export const withStderr = (message: string, stderr: string) =>
  stderr.trim() === '' ? message : `${message}: ${stderr.trim()}`;

/** One line for the attempt's `host.log` on how a handler process ended. */
export const describeOutcome = (
  outcome: ChildProcessOutcome,
  timeoutMs: number,
  redact: (text: string) => string,
): string => {
  switch (outcome.kind) {
    case 'exited':
      return `handler process exited with code ${outcome.exitCode}${outcome.signal ? ` (${outcome.signal})` : ''}`;
    case 'failedToStart':
      return `handler process failed to start: ${redact(outcome.message)}`;
    case 'timedOut':
      return `handler process killed at its time limit of ${timeoutMs} ms`;
    case 'overflow':
      return `handler process killed: its ${outcome.stream} passed the configured byte limit`;
    case 'cancelled':
      return 'handler process killed: the run was cancelled';
    // Stryker disable next-line ConditionalExpression,StringLiteral: unreachable, the switch is exhaustive (the type checker proves it).
    default:
      return assertNever(outcome, 'process outcome');
  }
};

/**
 * The spec's host-side outcome table, in its order. Every text that comes from the handler (its
 * stderr, its own error or exception, what is wrong with its stdout) goes through `redact`, the
 * rule stderr follows, since all of it reaches run records and trigger callers.
 */
export const mapOutcome = (
  outcome: ChildProcessOutcome,
  stderr: string,
  invocation: HandlerInvocation,
  redact: (text: string) => string,
): StepResult => {
  switch (outcome.kind) {
    case 'failedToStart':
      return exception(`External process failed to start: ${redact(outcome.message)}`);
    case 'timedOut':
      return {
        result: 'Timeout',
        data: null,
        errorMessage: `External process exceeded maximum runtime of ${invocation.timeoutMs}ms`,
      };
    case 'cancelled':
      return exception('The run was cancelled.');
    case 'overflow':
      return exception(`External process ${outcome.stream} exceeded configured byte limit.`);
    case 'exited': {
      if (outcome.exitCode !== 0) {
        return exception(withStderr(`External process exited with code ${outcome.exitCode}`, stderr));
      }
      const stdout = outcome.stdout.toString('utf8');
      if (stdout.trim() === '') return exception('External process produced empty stdout');
      const parsed = parseStepResult(stdout, invocation.request);
      if (!parsed.ok) {
        return exception(
          withStderr(
            `External process stdout was not valid StepResult JSON: ${redact(parsed.message)}`,
            stderr,
          ),
        );
      }
      const { errorMessage } = parsed.result;
      return errorMessage ? { ...parsed.result, errorMessage: redact(errorMessage) } : parsed.result;
    }
    // Stryker disable next-line ConditionalExpression,StringLiteral: unreachable, the switch is exhaustive (the type checker proves it).
    default:
      return assertNever(outcome, 'process outcome');
  }
};
