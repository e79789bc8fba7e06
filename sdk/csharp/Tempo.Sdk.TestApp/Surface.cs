using System.Text.Json;
using System.Text.Json.Nodes;
using Tempo.Sdk.Workers;

namespace Tempo.Sdk.TestApp;

/// <summary>Uses every public type of the SDK once and reports what each gave.</summary>
public static class Surface
{
    /// <summary>The public types <see cref="Describe"/> exercises; the self-test holds it equal to the SDK's exports.</summary>
    public static IReadOnlyList<Type> CoveredTypes { get; } =
    [
        typeof(ProtocolVersions), typeof(StepRequest), typeof(StepResult), typeof(StepResultType), typeof(ITempoStepHandler),
        typeof(ITempoStepLogger), typeof(TempoExecutionContext), typeof(TempoStepHandlerBase), typeof(TempoStepHost),
        typeof(TempoStepLogger), typeof(Ids), typeof(WorkerProtocolJson), typeof(WorkerFrameTypes),
        typeof(WorkerCapabilityDescriptor), typeof(WorkerHelloMessage), typeof(WorkerHelloAckMessage),
        typeof(WorkerHeartbeatMessage), typeof(WorkerAssignMessage), typeof(WorkerAssignAckMessage),
        typeof(WorkerRunCompletedMessage), typeof(WorkerDrainMessage), typeof(WorkerResumeMessage),
    ];

    /// <summary>What every public type gave for <paramref name="request"/>.</summary>
    public static JsonObject Describe(StepRequest request)
    {
        var copy = TempoStepHost.DeserializeRequest(JsonSerializer.Serialize(request, WorkerProtocolJson.Options));
        var correlated = TempoStepHost.Correlate(request, new StepResult { DataFlowId = "flow_other" });
        var failed = TempoStepHost.Exception(request, new InvalidOperationException("e"));
        var fromException = new StepResult { Exception = new ArgumentException("from the exception") };
        var environmentLogger = TempoStepLogger.FromEnvironment(TextWriter.Null);
        var hello = new WorkerHelloMessage { WorkerId = "wrk_1", Labels = ["gpu"], Capabilities = [new WorkerCapabilityDescriptor { RuntimeKey = "Artifact.Python" }] };
        var helloJson = JsonSerializer.Serialize(hello, WorkerProtocolJson.Options);
        var frames = new object[]
        {
            hello,
            JsonSerializer.Deserialize<WorkerHelloAckMessage>("{\"type\":\"hello-ack\",\"workerSessionId\":\"wse_1\",\"DrainMode\":true}", WorkerProtocolJson.Options)!,
            new WorkerHeartbeatMessage { ActiveRuns = 2 },
            JsonSerializer.Deserialize<WorkerAssignMessage>("{\"type\":\"assign\",\"assignment\":{\"id\":\"ras_1\"},\"plan\":{\"steps\":{}}}", WorkerProtocolJson.Options)!,
            new WorkerAssignAckMessage { Accepted = false, Message = "Worker is draining" },
            new WorkerRunCompletedMessage { Completion = JsonDocument.Parse("{\"finalState\":\"Succeeded\"}").RootElement },
            new WorkerDrainMessage { Message = "operator_request" },
            new WorkerResumeMessage { Message = "operator_request" },
        };
        return new JsonObject
        {
            ["versions"] = new JsonArray(ProtocolVersions.V1, ProtocolVersions.Current, string.Join(",", ProtocolVersions.Supported)),
            ["normalized"] = new JsonArray(ProtocolVersions.Normalize(null), ProtocolVersions.Normalize(" 1 ")),
            ["supported"] = new JsonArray(ProtocolVersions.IsSupported(""), ProtocolVersions.IsSupported("2.0")),
            ["variables"] = new JsonArray(
                ProtocolVersions.ProtocolVersionEnvironmentVariable,
                ProtocolVersions.SupportedProtocolVersionsEnvironmentVariable,
                ProtocolVersions.PersistentProtocolEnvironmentVariable,
                TempoStepLogger.LogFileEnvironmentVariable),
            ["resultTypes"] = new JsonArray([.. Enum.GetNames<StepResultType>().Select(name => JsonValue.Create(name))]),
            ["sameRequest"] = copy.RequestId == request.RequestId && copy.DataFlowId == request.DataFlowId,
            ["correlated"] = correlated.DataFlowId == request.DataFlowId && correlated.RequestId == request.RequestId,
            ["helpers"] = new JsonArray(
                TempoStepHost.Success(request, 1).Result.ToString(),
                TempoStepHost.Error(request, 2).Result.ToString(),
                failed.ExceptionMessage),
            ["exceptionText"] = JsonNode.Parse(TempoStepHost.SerializeResult(fromException))!["exception"]!.GetValue<string>(),
            ["idLength"] = Ids.New("req").Length,
            ["handlerTypes"] = typeof(ITempoStepHandler).IsAssignableFrom(typeof(TestHandler)) && typeof(TestHandler).IsSubclassOf(typeof(TempoStepHandlerBase)),
            ["ambient"] = TempoExecutionContext.Current is { Logger: ITempoStepLogger } current && current.RequestId == request.RequestId,
            ["environmentLogger"] = environmentLogger.WritesToFile == (Environment.GetEnvironmentVariable(TempoStepLogger.LogFileEnvironmentVariable) is { Length: > 0 }),
            ["frameTypes"] = new JsonArray([.. frames.Select(frame => JsonValue.Create(WorkerProtocolJson.FrameType(JsonSerializer.Serialize(frame, frame.GetType(), WorkerProtocolJson.Options))))]),
            ["frameConstants"] = new JsonArray(
                WorkerFrameTypes.Hello, WorkerFrameTypes.HelloAck, WorkerFrameTypes.Heartbeat, WorkerFrameTypes.Assign,
                WorkerFrameTypes.AssignAck, WorkerFrameTypes.RunCompleted, WorkerFrameTypes.Drain, WorkerFrameTypes.Resume),
            ["hello"] = JsonNode.Parse(helloJson),
            ["helloAck"] = ((WorkerHelloAckMessage)frames[1]).WorkerSessionId + "/" + ((WorkerHelloAckMessage)frames[1]).DrainMode,
            ["assignmentId"] = ((WorkerAssignMessage)frames[3]).Assignment.GetProperty("id").GetString(),
        };
    }
}
