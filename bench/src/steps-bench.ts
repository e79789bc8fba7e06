import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExternalExecutionSettings } from '@tempo/contracts';
import { measureEngineCalls, type ScriptLanguage } from './steps-engine.ts';
import { type BenchLanguage, type CallFigures, type CallSample, figuresOf } from './steps-handlers.ts';
import {
  createTriggeredStep,
  measureTriggerCalls,
  sequentialRunsSeconds,
  type TriggeredStep,
} from './steps-trigger.ts';
import { startTempo } from './tempo-process.ts';

/**
 * bench/steps: the per-invocation cost of Python, JavaScript and C# source steps, cold (one
 * process per invocation, `persistentMode` Off) and warm (Auto: one process serves many), each
 * running `fib(10)` and timing it itself, so the overhead is the step time minus the handler's.
 * Measured through the process host directly, then through an HTTP trigger on a `./tempo up`
 * server (full persistence and run logs); then the lead's scenario, 400 sequential Python
 * `fib(10)` runs through a trigger, against Windmill's published 19.7 s for the same work.
 * Calls run one after another, so the figures are latencies. C# is measured through a trigger
 * only (its source step is a `dotnet publish` build the server makes) and is left out when the
 * build fails (no .NET SDK).
 */
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 40);
const WARMUP = 3;
const SCENARIO_RUNS = Number(process.env.BENCH_SCENARIO_RUNS ?? 400);
/** Windmill's published figure for 400 sequential `fib(10)` Python runs, in seconds. */
const WINDMILL_SECONDS = 19.7;
const WINDMILL_RUNS = 400;

const say = (line: string) => process.stdout.write(`${line}\n`);
const ms = (value: number) => value.toFixed(value < 10 ? 2 : 1);
const row = (what: string, mode: string, figures: CallFigures) =>
  say(
    `| ${what} | ${mode} | ${ms(figures.meanMs)} | ${ms(figures.p50Ms)} | ${ms(figures.p99Ms)} | ${ms(figures.overheadMs)} |`,
  );
const header = () => {
  say('| what | mode | mean ms | p50 ms | p99 ms | overhead ms |');
  say('| --- | --- | --- | --- | --- | --- |');
};

const MODES = [
  ['cold', 'Off'],
  ['warm', 'Auto'],
] as const;

/** `count` sequential bare spawns of `command`, as samples with no handler time. */
const bareSpawns = async (command: string, args: string[], count: number): Promise<CallSample[]> => {
  const samples: CallSample[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await new Promise<void>((resolve, reject) =>
      execFile(command, args, (error) => (error ? reject(error) : resolve())),
    );
    samples.push({ stepMs: performance.now() - started, handlerMs: 0 });
  }
  return samples;
};

const engineSection = async () => {
  say(`\n### Through the process host (${ITERATIONS} sequential calls after ${WARMUP} warm-up calls)\n`);
  header();
  // The floor of a cold call: the interpreter started bare, doing nothing.
  const python = ExternalExecutionSettings.parse({}).pythonExecutable;
  row(`bare ${python} -c pass`, 'spawn', figuresOf(await bareSpawns(python, ['-c', 'pass'], ITERATIONS)));
  row('bare node -e 0', 'spawn', figuresOf(await bareSpawns(process.execPath, ['-e', '0'], ITERATIONS)));
  for (const language of ['Python', 'JavaScript'] as const satisfies readonly ScriptLanguage[]) {
    for (const [mode, persistentMode] of MODES)
      row(
        `${language} source step`,
        mode,
        figuresOf(await measureEngineCalls(language, persistentMode, ITERATIONS, WARMUP)),
      );
  }
};

const triggerSection = async (scratch: string) => {
  say(`\n### Through an HTTP trigger (${ITERATIONS} sequential runs after ${WARMUP} warm-up runs)\n`);
  header();
  const scenario: string[] = [];
  for (const [mode, persistentMode] of MODES) {
    const server = await startTempo({
      dataDir: mkdtempSync(join(scratch, `${mode}-`)),
      settings: { runtimes: { externalExecution: { persistentMode } } },
    });
    try {
      const steps: TriggeredStep[] = [];
      for (const language of ['Python', 'JavaScript', 'CSharp'] as const satisfies readonly BenchLanguage[]) {
        try {
          steps.push(await createTriggeredStep(server, language));
        } catch (error) {
          say(
            `| ${language} source step | ${mode} | not measured: ${error instanceof Error ? error.message.split('\n')[0] : error} | | | |`,
          );
        }
      }
      for (const step of steps)
        row(
          `${step.language} source step`,
          mode,
          figuresOf(await measureTriggerCalls(step, ITERATIONS, WARMUP)),
        );
      const python = steps.find((step) => step.language === 'Python');
      if (python) {
        // A fresh step, so the first run's start is in the total as it would be for a new step.
        const fresh = await createTriggeredStep(server, 'Python').catch(() => python);
        const seconds = await sequentialRunsSeconds(fresh, SCENARIO_RUNS);
        // Windmill's figure is for 400 runs: a shorter series is scaled to 400 for the ratio.
        const for400 = (seconds * WINDMILL_RUNS) / SCENARIO_RUNS;
        scenario.push(
          `| ${mode} | ${seconds.toFixed(1)} | ${((seconds * 1000) / SCENARIO_RUNS).toFixed(1)} | ${for400.toFixed(1)} | ${(for400 / WINDMILL_SECONDS).toFixed(2)}× |`,
        );
      }
    } finally {
      await server.stop();
    }
  }
  say(
    `\n### ${SCENARIO_RUNS} sequential Python fib(10) runs through a trigger (Windmill: ${WINDMILL_SECONDS} s)\n`,
  );
  say('| mode | total s | per run ms | for 400 runs, s | against Windmill |');
  say('| --- | --- | --- | --- | --- |');
  for (const line of scenario) say(line);
};

const main = async () => {
  const scratch = mkdtempSync(join(tmpdir(), 'tempo-bench-steps-'));
  say('bench/steps: per-invocation cost of source steps, cold (persistentMode Off) and warm (Auto)');
  try {
    await engineSection();
    await triggerSection(scratch);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
};

await main();
