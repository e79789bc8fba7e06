/**
 * The handlers bench/steps runs: `fib(n)` timed by the handler itself, so the engine's overhead
 * (step time minus handler time) can be told apart from the work. The output carries `handlerMs`.
 */
export const FIB_HANDLERS = {
  Python: `import time


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def run(request):
    started = time.perf_counter()
    value = fib(int(request["data"]["n"]))
    return {"fib": value, "handlerMs": (time.perf_counter() - started) * 1000}
`,
  JavaScript: `const fib = (n) => (n < 2 ? n : fib(n - 1) + fib(n - 2));

exports.run = (request) => {
  const started = performance.now();
  const value = fib(Number(request.data.n));
  return { fib: value, handlerMs: performance.now() - started };
};
`,
  CSharp: `using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Tempo.UserSteps;

public sealed class Handler : TempoStepHandlerBase
{
    private static int Fib(int n) => n < 2 ? n : Fib(n - 1) + Fib(n - 2);

    public override Task<StepResult> RunAsync(StepRequest request, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var value = Fib(request.Data?["n"]?.GetValue<int>() ?? 10);
        var handlerMs = watch.Elapsed.TotalMilliseconds;
        return Task.FromResult(Success(request, new JsonObject { ["fib"] = value, ["handlerMs"] = handlerMs }));
    }
}
`,
} as const;

/** A language bench/steps measures. */
export type BenchLanguage = keyof typeof FIB_HANDLERS;

/** What one handler call took: the whole step and the handler's own part, in ms. */
export interface CallSample {
  readonly stepMs: number;
  readonly handlerMs: number;
}

/** Mean, p50 and p99 of the step time and the mean overhead (step minus handler time). */
export interface CallFigures {
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly overheadMs: number;
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/** The figures of a series of calls. */
export const figuresOf = (samples: readonly CallSample[]): CallFigures => {
  const steps = samples.map((sample) => sample.stepMs).sort((a, b) => a - b);
  const mean = (values: readonly number[]) =>
    values.reduce((sum, value) => sum + value, 0) / (values.length || 1);
  return {
    meanMs: mean(steps),
    p50Ms: percentile(steps, 50),
    p99Ms: percentile(steps, 99),
    overheadMs: mean(samples.map((sample) => sample.stepMs - sample.handlerMs)),
  };
};

/** The handler time an output reports, or a failure naming the output. */
export const handlerMsOf = (output: unknown): number => {
  const value = (output as { handlerMs?: unknown } | null)?.handlerMs;
  if (typeof value !== 'number')
    throw new Error(`the handler did not answer its time: ${JSON.stringify(output)}`);
  return value;
};
