import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { MANIFEST_FILE } from './run-log-layout.ts';

/** One attempt of a run, as its manifest records it. */
export const RunLogManifestAttempt = z.object({
  attemptNumber: z.number().int(),
  runAssignmentId: z.string(),
  workerId: z.string(),
  /** The attempt's folder, relative to the run's. */
  path: z.string(),
});
export type RunLogManifestAttempt = z.infer<typeof RunLogManifestAttempt>;

/** One step log of a run: what its file name cannot say whole (the execution key). */
export const RunLogManifestStep = z.object({
  stepRunId: z.string(),
  stepId: z.string(),
  sequence: z.number().int(),
  attemptNumber: z.number().int(),
  /** The step's log and stderr files, relative to the run's folder. */
  path: z.string(),
  stderrPath: z.string(),
});
export type RunLogManifestStep = z.infer<typeof RunLogManifestStep>;

/**
 * `manifest.json` of a run's folder: which run and tenant it belongs to, its attempts and its
 * step files. An index for readers and for retention, never an authority: access is always
 * checked against the run's row.
 */
export const RunLogManifest = z.object({
  flowRunId: z.string(),
  tenantId: z.string(),
  dataFlowId: z.string(),
  attempts: z.array(RunLogManifestAttempt),
  steps: z.array(RunLogManifestStep),
  updatedUtc: z.string(),
});
export type RunLogManifest = z.infer<typeof RunLogManifest>;

/** Most bytes of a manifest read: a run has few attempts, and one entry per step it logged. */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/**
 * Writes a run's manifest whole (a reader sees the old one or the new one, never half of one),
 * keeping the attempts and steps an earlier attempt, perhaps on another worker, recorded.
 * Blocking: it is written by the run-log flusher between turns of the event loop, in order with
 * the run's lines.
 */
export const writeManifestSync = (runFolder: string, manifest: RunLogManifest): void => {
  const target = join(runFolder, MANIFEST_FILE);
  const earlier = parseManifest(() =>
    statSync(target).size > MAX_MANIFEST_BYTES ? null : readFileSync(target, 'utf8'),
  );
  const merged: RunLogManifest = earlier
    ? {
        ...manifest,
        attempts: [
          ...earlier.attempts.filter(
            (a) => !manifest.attempts.some((b) => b.runAssignmentId === a.runAssignmentId),
          ),
          ...manifest.attempts,
        ],
        steps: [
          ...earlier.steps.filter((a) => !manifest.steps.some((b) => b.stepRunId === a.stepRunId)),
          ...manifest.steps,
        ],
      }
    : manifest;
  const temporary = `${target}.tmp`;
  writeFileSync(temporary, JSON.stringify(merged));
  renameSync(temporary, target);
};

/** The manifest in the text `read` answers; null when there is none or it is not one. */
const parseManifest = (read: () => string | null): RunLogManifest | null => {
  try {
    const text = read();
    if (text === null) return null;
    const parsed = RunLogManifest.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
};

/** A run's manifest, or null when it is missing, too large or not one. */
export const readManifest = async (runFolder: string): Promise<RunLogManifest | null> => {
  try {
    const path = join(runFolder, MANIFEST_FILE);
    if ((await stat(path)).size > MAX_MANIFEST_BYTES) return null;
    const text = await readFile(path, 'utf8');
    const parsed = RunLogManifest.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
};
