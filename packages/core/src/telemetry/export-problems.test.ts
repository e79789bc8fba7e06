import { describe, expect, it } from 'vitest';
import { ExportProblemReporter, type TelemetryLog } from './export-problems.ts';

const recordingLog = () => {
  const lines: { level: string; fields: object; message: string }[] = [];
  const log: TelemetryLog = {
    warn: (fields, message) => lines.push({ level: 'warn', fields, message }),
    info: (fields, message) => lines.push({ level: 'info', fields, message }),
  };
  return { log, lines };
};

describe('ExportProblemReporter', () => {
  it('warns once for a stream of failures, then at most once per interval with the count', () => {
    const { log, lines } = recordingLog();
    let now = 0;
    const reporter = new ExportProblemReporter({ log, intervalMs: 60_000, now: () => now });
    for (let i = 0; i < 50; i++) {
      reporter.failed('metrics', Object.assign(new Error('connect refused'), { code: 'ECONNREFUSED' }));
      now += 1000;
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'warn',
      fields: { what: 'metrics', reason: 'ECONNREFUSED: connect refused' },
    });
    now += 60_000;
    reporter.failed('traces', new Error('timeout'));
    expect(lines).toHaveLength(2);
    expect(lines[1]?.fields).toMatchObject({ suppressedSinceLastWarning: 49 });
  });

  it('says once that export works again after failures, and nothing when it never failed', () => {
    const { log, lines } = recordingLog();
    const reporter = new ExportProblemReporter({ log });
    reporter.succeeded('metrics');
    expect(lines).toHaveLength(0);
    reporter.failed('metrics', 'down');
    reporter.succeeded('metrics');
    reporter.succeeded('metrics');
    expect(lines.map((line) => line.level)).toEqual(['warn', 'info']);
  });
});
