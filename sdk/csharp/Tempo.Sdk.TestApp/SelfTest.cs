using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Tempo.Sdk.TestApp;

/// <summary>
/// The SDK's tests: this program run again as a child in handler mode, over real pipes, one-shot
/// and persistent; plus a check that the test handler exercises every public type.
/// </summary>
public static partial class SelfTest
{
    private static int _passed;
    private static readonly List<string> Failures = [];

    /// <summary>Runs every check; exit code 0 when all pass.</summary>
    public static async Task<int> RunAsync()
    {
        var checks = new (string Name, Func<Task> Run)[]
        {
            ("one-shot answers one correlated compact result and exits 0", OneShotSuccess),
            ("one-shot writes log lines to the run-log file, only the result to stdout", OneShotLogFile),
            ("one-shot sends log lines to stderr without a run-log file", OneShotStderrLogs),
            ("the ambient context comes from the request and the host variables", OneShotContext),
            ("Error results stay, throws and null results become Exception results", OneShotFailures),
            ("unreadable input and unknown versions get Exception results", OneShotBadInput),
            ("a 5 MB payload travels both ways", OneShotLarge),
            ("the test handler exercises every public type", SurfaceCovered),
            ("persistent mode serves many invocations in one process and exits 0 at EOF", PersistentServes),
            ("persistent mode sets an invocation's variables for that invocation only", PersistentEnvironment),
            ("persistent mode sends log lines as log frames before the result", PersistentLogs),
            ("persistent mode answers a bad line and keeps serving", PersistentBadLine),
        };
        foreach (var (name, run) in checks)
        {
            try
            {
                await run();
                _passed++;
                Console.WriteLine($"ok   {name}");
            }
            catch (System.Exception error)
            {
                Failures.Add(name);
                Console.WriteLine($"FAIL {name}: {error.Message}");
            }
        }
        Console.WriteLine($"{_passed} passed, {Failures.Count} failed");
        return Failures.Count == 0 ? 0 : 1;
    }

    private static void Expect(bool condition, string what)
    {
        if (!condition) throw new InvalidOperationException(what);
    }

    private static void Equal<T>(T expected, T actual, string what)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual)) throw new InvalidOperationException($"{what}: expected {expected}, got {actual}");
    }

    private static JsonObject RequestOf(JsonObject data, string requestId = "req_test", string protocolVersion = "1.0") => new()
    {
        ["protocolVersion"] = protocolVersion,
        ["tenantId"] = "ten_test",
        ["dataFlowId"] = "flow_test",
        ["flowRunId"] = "run_test",
        ["stepRunId"] = "sru_test",
        ["requestId"] = requestId,
        ["data"] = data,
        ["metadata"] = new JsonObject { ["origin"] = "test" },
    };

    private static ProcessStartInfo ChildStart(IReadOnlyDictionary<string, string> environment)
    {
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
            StandardInputEncoding = new UTF8Encoding(false),
        };
        // Run through `dotnet` (dotnet run, dotnet test): the assembly is the first argument.
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(typeof(SelfTest).Assembly.Location);
        start.ArgumentList.Add("handler");
        foreach (var name in start.Environment.Keys.Where(name => name.StartsWith("TEMPO_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }
        foreach (var (name, value) in environment) start.Environment[name] = value;
        return start;
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunOnceAsync(string input, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var child = Process.Start(ChildStart(environment ?? new Dictionary<string, string>()))!;
        var stdout = child.StandardOutput.ReadToEndAsync();
        var stderr = child.StandardError.ReadToEndAsync();
        await child.StandardInput.WriteAsync(input);
        child.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await child.WaitForExitAsync(timeout.Token);
        return (child.ExitCode, await stdout, await stderr);
    }

    private static async Task<JsonObject> ResultOfAsync(JsonObject request, IReadOnlyDictionary<string, string>? environment = null)
    {
        var (code, stdout, _) = await RunOnceAsync(request.ToJsonString(), environment);
        Equal(0, code, "exit code");
        return JsonNode.Parse(stdout)!.AsObject();
    }

    private static async Task OneShotSuccess()
    {
        var (code, stdout, _) = await RunOnceAsync(RequestOf(new JsonObject { ["action"] = "echo", ["payload"] = "héllo ✓ 😀" }).ToJsonString());
        Equal(0, code, "exit code");
        Expect(!stdout.EndsWith('\n'), "no trailing newline");
        var result = JsonNode.Parse(stdout)!;
        Equal("Success", result["result"]!.GetValue<string>(), "result");
        Equal("héllo ✓ 😀", result["data"]!["echoed"]!.GetValue<string>(), "unicode echo");
        foreach (var (field, value) in new[] { ("tenantId", "ten_test"), ("dataFlowId", "flow_test"), ("flowRunId", "run_test"), ("stepRunId", "sru_test"), ("requestId", "req_test"), ("protocolVersion", "1.0") })
        {
            Equal(value, result[field]!.GetValue<string>(), field);
        }
        Equal("test", result["metadata"]!["origin"]!.GetValue<string>(), "metadata defaults to the request's");
        Expect(result["exception"] is null, "nulls are left out");
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z \[(Debug|Info|Warn|Error)\] .+$")]
    private static partial Regex LogLine();

    private static async Task OneShotLogFile()
    {
        var folder = Directory.CreateTempSubdirectory("tempo-sdk-cs-");
        try
        {
            var file = Path.Combine(folder.FullName, "nested", "step.log");
            var (code, stdout, stderr) = await RunOnceAsync(
                RequestOf(new JsonObject { ["action"] = "log", ["tag"] = "t1" }).ToJsonString(),
                new Dictionary<string, string> { ["TEMPO_RUN_LOG_FILE"] = file });
            Equal(0, code, "exit code");
            Equal("t1", JsonNode.Parse(stdout)!["data"]!["logged"]!.GetValue<string>(), "result");
            Equal(string.Empty, stderr, "stderr");
            var lines = await File.ReadAllLinesAsync(file);
            foreach (var line in lines) Expect(LogLine().IsMatch(line), $"log line format: {line}");
            Equal(
                "[Debug] sdk debug t1|[Info] sdk info t1|[Warn] sdk warn t1|[Warn] sdk warning t1|[Error] sdk error t1|[Info] console out t1|[Error] console error t1",
                string.Join("|", lines.Select(line => line[(line.IndexOf(' ') + 1)..])),
                "log lines");
        }
        finally
        {
            folder.Delete(true);
        }
    }

    private static async Task OneShotStderrLogs()
    {
        var (_, stdout, stderr) = await RunOnceAsync(RequestOf(new JsonObject { ["action"] = "log", ["tag"] = "t2" }).ToJsonString());
        Equal("Success", JsonNode.Parse(stdout)!["result"]!.GetValue<string>(), "result");
        Expect(stderr.Contains("[Info] sdk info t2") && stderr.Contains("console out t2"), $"stderr has the log lines: {stderr}");
    }

    private static async Task OneShotContext()
    {
        var result = await ResultOfAsync(
            RequestOf(new JsonObject { ["action"] = "context" }),
            new Dictionary<string, string> { ["TEMPO_RUN_ASSIGNMENT_ID"] = "ras_1", ["TEMPO_STEP_ID"] = "my.step", ["TEMPO_WORKER_ID"] = "wrk_1" });
        Equal(
            "{\"tenantId\":\"ten_test\",\"dataFlowId\":\"flow_test\",\"flowRunId\":\"run_test\",\"runAssignmentId\":\"ras_1\",\"stepId\":\"my.step\",\"stepRunId\":\"sru_test\",\"requestId\":\"req_test\",\"workerId\":\"wrk_1\",\"hasLogger\":true}",
            result["data"]!.ToJsonString(),
            "context");
    }

    private static async Task OneShotFailures()
    {
        var failed = await ResultOfAsync(RequestOf(new JsonObject { ["action"] = "error", ["value"] = 3 }));
        Equal("Error", failed["result"]!.GetValue<string>(), "error result");
        Equal("{\"reason\":\"business rule\",\"input\":3}", failed["data"]!.ToJsonString(), "error data");
        var thrown = await ResultOfAsync(RequestOf(new JsonObject { ["action"] = "exception" }));
        Equal("Exception", thrown["result"]!.GetValue<string>(), "thrown result");
        Equal("handler failed on purpose", thrown["exception"]!.GetValue<string>(), "thrown message");
        Equal("req_test", thrown["requestId"]!.GetValue<string>(), "thrown correlation");
        var returned = await ResultOfAsync(RequestOf(new JsonObject { ["action"] = "exceptionResult" }));
        Equal("returned as a result", returned["exception"]!.GetValue<string>(), "returned exception");
        var empty = await ResultOfAsync(RequestOf(new JsonObject { ["action"] = "null" }));
        Equal("The step handler returned no result.", empty["exception"]!.GetValue<string>(), "null result");
    }

    private static async Task OneShotBadInput()
    {
        var (code, stdout, _) = await RunOnceAsync("{not json");
        Equal(0, code, "exit code");
        var result = JsonNode.Parse(stdout)!;
        Equal("Exception", result["result"]!.GetValue<string>(), "result");
        Equal("unknown", result["dataFlowId"]!.GetValue<string>(), "flow");
        Equal(32, result["requestId"]!.GetValue<string>().Length, "fresh request id");
        var version = await ResultOfAsync(RequestOf(new JsonObject { ["action"] = "echo" }, protocolVersion: "2.0"));
        Equal("Unsupported Tempo step protocol version '2.0'.", version["exception"]!.GetValue<string>(), "version");
    }

    private static async Task OneShotLarge()
    {
        var payload = new string('x', 5 * 1024 * 1024);
        var result = await ResultOfAsync(RequestOf(new JsonObject { ["action"] = "echo", ["payload"] = payload }));
        Equal(payload.Length, result["data"]!["length"]!.GetValue<int>(), "length");
    }

    private static async Task SurfaceCovered()
    {
        var exported = typeof(TempoStepHost).Assembly.GetExportedTypes().Select(type => type.FullName).Order().ToList();
        var covered = Surface.CoveredTypes.Select(type => type.FullName).Order().ToList();
        Equal(string.Join(",", exported), string.Join(",", covered), "covered types");
        var surface = (await ResultOfAsync(RequestOf(new JsonObject { ["action"] = "surface" })))["data"]!;
        Equal("[\"1.0\",\"1.0\",\"1.0\"]", surface["versions"]!.ToJsonString(), "versions");
        Equal("[\"1.0\",\"1.0\"]", surface["normalized"]!.ToJsonString(), "normalized");
        Equal("[true,false]", surface["supported"]!.ToJsonString(), "supported");
        Equal("[\"TEMPO_PROTOCOL_VERSION\",\"TEMPO_SUPPORTED_PROTOCOL_VERSIONS\",\"TEMPO_PERSISTENT_PROTOCOL\",\"TEMPO_RUN_LOG_FILE\"]", surface["variables"]!.ToJsonString(), "variables");
        Equal("[\"Success\",\"Timeout\",\"Error\",\"Exception\",\"MaxIterationsExceeded\"]", surface["resultTypes"]!.ToJsonString(), "result types");
        foreach (var flag in new[] { "sameRequest", "correlated", "handlerTypes", "ambient", "environmentLogger" })
        {
            Expect(surface[flag]!.GetValue<bool>(), flag);
        }
        Equal("[\"Success\",\"Error\",\"e\"]", surface["helpers"]!.ToJsonString(), "helpers");
        Equal("from the exception", surface["exceptionText"]!.GetValue<string>(), "exception text");
        Equal(32, surface["idLength"]!.GetValue<int>(), "id length");
        Equal(surface["frameConstants"]!.ToJsonString(), surface["frameTypes"]!.ToJsonString(), "frame types");
        Equal("{\"type\":\"hello\",\"protocolVersion\":\"1.0\",\"workerId\":\"wrk_1\",\"name\":\"\",\"kind\":\"Worker\",\"version\":\"\",\"hostName\":\"\",\"maxConcurrentRuns\":1,\"maxTaskTimeoutMs\":0,\"labels\":[\"gpu\"],\"capabilities\":[{\"executionKey\":\"\",\"tenantScope\":\"*\",\"sourceKind\":\"\",\"runtimeKey\":\"Artifact.Python\",\"signatureHash\":\"*\"}]}", surface["hello"]!.ToJsonString(), "hello frame");
        Equal("wse_1/True", surface["helloAck"]!.GetValue<string>(), "hello-ack read case-insensitively");
        Equal("ras_1", surface["assignmentId"]!.GetValue<string>(), "assignment kept as raw JSON");
    }

    private sealed class PersistentChild : IAsyncDisposable
    {
        private readonly Process _process;

        public PersistentChild(IReadOnlyDictionary<string, string>? environment = null)
        {
            var variables = new Dictionary<string, string>(environment ?? new Dictionary<string, string>()) { ["TEMPO_PERSISTENT_PROTOCOL"] = "1" };
            _process = Process.Start(ChildStart(variables))!;
            _process.StandardInput.AutoFlush = true;
        }

        public int Pid => _process.Id;

        public async Task<JsonObject> LineAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var line = await _process.StandardOutput.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException("the child ended its output");
            return JsonNode.Parse(line)!.AsObject();
        }

        public Task SendAsync(string line) => _process.StandardInput.WriteAsync(line + "\n");

        public Task InvokeAsync(JsonObject request, JsonObject? environment = null) =>
            SendAsync(new JsonObject { ["type"] = "invoke", ["request"] = request, ["environment"] = environment ?? [] }.ToJsonString());

        public async Task<List<JsonObject>> UntilResultAsync()
        {
            var frames = new List<JsonObject>();
            while (true)
            {
                var frame = await LineAsync();
                frames.Add(frame);
                if (frame["type"]!.GetValue<string>() == "result") return frames;
            }
        }

        public async Task<int> EndAsync()
        {
            _process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _process.WaitForExitAsync(timeout.Token);
            return _process.ExitCode;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(true);
                await _process.WaitForExitAsync();
            }
            _process.Dispose();
        }
    }

    private static async Task PersistentServes()
    {
        await using var child = new PersistentChild();
        Equal("{\"type\":\"ready\",\"protocolVersion\":\"1.0\",\"mode\":\"persistent\"}", (await child.LineAsync()).ToJsonString(), "ready line");
        await child.InvokeAsync(RequestOf(new JsonObject { ["action"] = "pid" }, "req_1"));
        var first = (await child.UntilResultAsync())[^1]["result"]!;
        await child.InvokeAsync(RequestOf(new JsonObject { ["action"] = "pid" }, "req_2"));
        var second = (await child.UntilResultAsync())[^1]["result"]!;
        Equal("req_1", first["requestId"]!.GetValue<string>(), "first correlation");
        Equal("req_2", second["requestId"]!.GetValue<string>(), "second correlation");
        Equal(child.Pid, first["data"]!["pid"]!.GetValue<int>(), "first pid");
        Equal(child.Pid, second["data"]!["pid"]!.GetValue<int>(), "second pid");
        Equal(0, await child.EndAsync(), "exit code at EOF");
    }

    private static async Task PersistentEnvironment()
    {
        await using var child = new PersistentChild();
        await child.LineAsync();
        await child.InvokeAsync(
            RequestOf(new JsonObject { ["action"] = "context" }),
            new JsonObject { ["TEMPO_STEP_ID"] = "warm.step", ["TEMPO_WORKER_ID"] = "wrk_w", ["TEMPO_RUN_ASSIGNMENT_ID"] = "ras_w" });
        var data = (await child.UntilResultAsync())[^1]["result"]!["data"]!;
        Equal("warm.step/wrk_w/ras_w", $"{data["stepId"]}/{data["workerId"]}/{data["runAssignmentId"]}", "variables");
        await child.InvokeAsync(RequestOf(new JsonObject { ["action"] = "context" }));
        Expect((await child.UntilResultAsync())[^1]["result"]!["data"]!["stepId"] is null, "variables removed after the invocation");
        Equal(0, await child.EndAsync(), "exit code at EOF");
    }

    private static async Task PersistentLogs()
    {
        await using var child = new PersistentChild();
        await child.LineAsync();
        await child.InvokeAsync(RequestOf(new JsonObject { ["action"] = "log", ["tag"] = "p1" }));
        var frames = await child.UntilResultAsync();
        Equal(
            "DEBUG sdk debug p1|INFO sdk info p1|WARN sdk warn p1|WARN sdk warning p1|ERROR sdk error p1|INFO console out p1|ERROR console error p1",
            string.Join("|", frames[..^1].Select(frame => $"{frame["level"]} {frame["text"]}")),
            "log frames");
        Equal("Success", frames[^1]["result"]!["result"]!.GetValue<string>(), "result");
        Equal(0, await child.EndAsync(), "exit code at EOF");
    }

    private static async Task PersistentBadLine()
    {
        await using var child = new PersistentChild();
        await child.LineAsync();
        await child.SendAsync("not json");
        var bad = (await child.UntilResultAsync())[^1]["result"]!;
        Equal("Exception", bad["result"]!.GetValue<string>(), "bad line result");
        Expect(bad["exception"]!.GetValue<string>().StartsWith("bad invoke line", StringComparison.Ordinal), "bad line message");
        await child.InvokeAsync(RequestOf(new JsonObject { ["action"] = "exception" }));
        Equal("handler failed on purpose", (await child.UntilResultAsync())[^1]["result"]!["exception"]!.GetValue<string>(), "thrown");
        await child.InvokeAsync(RequestOf(new JsonObject { ["action"] = "echo", ["payload"] = "still here" }));
        Equal("still here", (await child.UntilResultAsync())[^1]["result"]!["data"]!["echoed"]!.GetValue<string>(), "still serving");
        Equal(0, await child.EndAsync(), "exit code at EOF");
    }
}
