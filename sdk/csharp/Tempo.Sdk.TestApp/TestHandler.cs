using System.Text.Json.Nodes;

namespace Tempo.Sdk.TestApp;

/// <summary>The C# SDK's test handler: <c>data.action</c> picks the feature to exercise.</summary>
public sealed class TestHandler : TempoStepHandlerBase
{
    /// <inheritdoc />
    public override async Task<StepResult> RunAsync(StepRequest request, CancellationToken cancellationToken)
    {
        var action = request.Data?["action"]?.GetValue<string>();
        switch (action)
        {
            case "context":
                var context = ExecutionContext!;
                return Success(request, new JsonObject
                {
                    ["tenantId"] = context.TenantId,
                    ["dataFlowId"] = context.DataFlowId,
                    ["flowRunId"] = context.FlowRunId,
                    ["runAssignmentId"] = context.RunAssignmentId,
                    ["stepId"] = context.StepId,
                    ["stepRunId"] = context.StepRunId,
                    ["requestId"] = context.RequestId,
                    ["workerId"] = context.WorkerId,
                    ["hasLogger"] = context.Logger is TempoStepLogger,
                });
            case "log":
                var tag = request.Data!["tag"]!.GetValue<string>();
                LogDebug($"sdk debug {tag}");
                LogInfo($"sdk info {tag}");
                LogWarn($"sdk warn {tag}");
                LogWarning($"sdk warning {tag}");
                LogError($"sdk error {tag}");
                Console.WriteLine($"console out {tag}");
                await Console.Error.WriteLineAsync($"console error {tag}");
                return Success(request, new JsonObject { ["logged"] = tag });
            case "error":
                var failure = new JsonObject { ["reason"] = "business rule", ["input"] = request.Data?["value"]?.DeepClone() };
                // `nextAction` names the action of the step a failure transition leads to (it reads this output).
                if (request.Data?["nextAction"] is { } next) failure["action"] = next.DeepClone();
                return Error(request, failure);
            case "exception":
                throw new InvalidOperationException("handler failed on purpose");
            case "exceptionResult":
                return Exception(request, new TimeoutException("returned as a result"));
            case "large":
                // A payload of `size` characters for the next step to echo: bigger than a trigger body may be.
                var size = request.Data!["size"]!.GetValue<int>();
                return Success(request, new JsonObject { ["action"] = "echo", ["payload"] = new string('x', size) + "✓" });
            case "echo":
                var payload = request.Data?["payload"]?.GetValue<string>();
                return Success(request, new JsonObject { ["echoed"] = payload, ["length"] = payload?.Length ?? 0 });
            case "binary":
                var bytes = Convert.FromBase64String(request.Data!["base64"]!.GetValue<string>());
                var flipped = bytes.Select(b => (byte)(255 - b)).ToArray();
                return Success(request, new JsonObject { ["base64"] = Convert.ToBase64String(flipped), ["size"] = bytes.Length });
            case "previous":
                return Success(request, new JsonObject { ["previousResult"] = request.PreviousResult?.ToString() }, new JsonObject { ["from"] = "previous" });
            case "pid":
                return Success(request, new JsonObject { ["pid"] = Environment.ProcessId });
            case "surface":
                return Success(request, Surface.Describe(request));
            case "null":
                return null!;
            default:
                return Error(request, new JsonObject { ["reason"] = $"unknown action {action}" });
        }
    }
}
