using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tempo.Sdk;

/// <summary>
/// Protocol v1 persistent mode: one ready line, then per invocation one invoke line in and its
/// log lines and one result line out, until stdin ends. Console output becomes log frames.
/// </summary>
internal static class PersistentStepHost
{
    private const string ReadyLine = "{\"type\":\"ready\",\"protocolVersion\":\"1.0\",\"mode\":\"persistent\"}";

    public static async Task<int> ServeAsync(ITempoStepHandler handler, TextReader input, TextWriter output, CancellationToken token)
    {
        var gate = new object();
        void Send(string line)
        {
            // Log lines can come from any thread the handler uses; each line must stay whole.
            lock (gate)
            {
                output.Write(line);
                output.Write('\n');
                output.Flush();
            }
        }
        Send(ReadyLine);
        var logger = new TempoStepLogger((level, lines) =>
        {
            foreach (var line in lines)
            {
                Send(new JsonObject { ["type"] = "log", ["level"] = level.ToUpperInvariant(), ["text"] = line }.ToJsonString());
            }
        });
        var originalOut = Console.Out;
        var originalError = Console.Error;
        Console.SetOut(new LoggerTextWriter(logger, "Info"));
        Console.SetError(new LoggerTextWriter(logger, "Error"));
        try
        {
            while (await input.ReadLineAsync(token) is { } line)
            {
                if (string.IsNullOrWhiteSpace(line)) continue;
                var result = await ServeLineAsync(handler, line, logger, token);
                Console.Out.Flush();
                Console.Error.Flush();
                Send("{\"type\":\"result\",\"result\":" + TempoStepHost.SerializeResult(result) + "}");
            }
        }
        finally
        {
            Console.SetOut(originalOut);
            Console.SetError(originalError);
        }
        return 0;
    }

    private static async Task<StepResult> ServeLineAsync(ITempoStepHandler handler, string line, ITempoStepLogger logger, CancellationToken token)
    {
        StepRequest request;
        JsonObject? environment;
        try
        {
            var frame = JsonNode.Parse(line) as JsonObject ?? throw new JsonException("not a JSON object.");
            if (frame["type"]?.GetValue<string>() != "invoke") throw new JsonException("not an invoke frame.");
            request = TempoStepHost.DeserializeRequest(frame["request"]?.ToJsonString() ?? "{}");
            environment = frame["environment"] as JsonObject;
        }
        catch (System.Exception error) when (error is JsonException or InvalidOperationException or FormatException)
        {
            return TempoStepHost.Uncorrelated(new FormatException($"bad invoke line: {error.Message}", error));
        }
        var saved = new Dictionary<string, string?>();
        foreach (var (name, value) in environment ?? [])
        {
            saved[name] = Environment.GetEnvironmentVariable(name);
            Environment.SetEnvironmentVariable(name, value?.ToString() ?? string.Empty);
        }
        try
        {
            return await TempoStepHost.InvokeAsync(handler, request, logger, token);
        }
        finally
        {
            // The next invocation must not see this one's variables.
            foreach (var (name, value) in saved) Environment.SetEnvironmentVariable(name, value);
        }
    }
}
