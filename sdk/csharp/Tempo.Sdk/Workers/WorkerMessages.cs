using System.Text.Json;

namespace Tempo.Sdk.Workers;

/// <summary>A kind of step a worker can run, as advertised in <see cref="WorkerHelloMessage"/>.</summary>
public sealed class WorkerCapabilityDescriptor
{
    /// <summary>The step's execution key.</summary>
    public string ExecutionKey { get; set; } = string.Empty;
    /// <summary>The tenants it serves; <c>*</c> for all.</summary>
    public string TenantScope { get; set; } = "*";
    /// <summary>Where the step comes from (builtin, artifact, ...).</summary>
    public string SourceKind { get; set; } = string.Empty;
    /// <summary>The runtime key, e.g. <c>Artifact.Python</c>.</summary>
    public string RuntimeKey { get; set; } = string.Empty;
    /// <summary>The step's signature hash; <c>*</c> for any.</summary>
    public string SignatureHash { get; set; } = "*";
}

/// <summary>Worker → server, first frame: who the worker is and what it can run.</summary>
public sealed class WorkerHelloMessage
{
    /// <summary>Always <see cref="WorkerFrameTypes.Hello"/>.</summary>
    public string Type { get; set; } = WorkerFrameTypes.Hello;
    /// <summary>Worker protocol version, <c>1.0</c>.</summary>
    public string ProtocolVersion { get; set; } = ProtocolVersions.V1;
    /// <summary>Must equal the id the worker authenticated as.</summary>
    public string WorkerId { get; set; } = string.Empty;
    /// <summary>Display name.</summary>
    public string Name { get; set; } = string.Empty;
    /// <summary>Worker kind, <c>Worker</c>.</summary>
    public string Kind { get; set; } = "Worker";
    /// <summary>The worker's software version.</summary>
    public string Version { get; set; } = string.Empty;
    /// <summary>The machine it runs on.</summary>
    public string HostName { get; set; } = string.Empty;
    /// <summary>Runs it takes at once (the server floors it to 1).</summary>
    public int MaxConcurrentRuns { get; set; } = 1;
    /// <summary>Longest task it accepts in milliseconds; 0 = no limit.</summary>
    public long MaxTaskTimeoutMs { get; set; }
    /// <summary>Placement labels.</summary>
    public List<string> Labels { get; set; } = [];
    /// <summary>What it can run.</summary>
    public List<WorkerCapabilityDescriptor> Capabilities { get; set; } = [];
}

/// <summary>Server → worker, the answer to a hello: the session and its timings.</summary>
public sealed class WorkerHelloAckMessage
{
    /// <summary>Always <see cref="WorkerFrameTypes.HelloAck"/>.</summary>
    public string Type { get; set; } = WorkerFrameTypes.HelloAck;
    /// <summary>Worker protocol version.</summary>
    public string ProtocolVersion { get; set; } = ProtocolVersions.V1;
    /// <summary>The worker.</summary>
    public string WorkerId { get; set; } = string.Empty;
    /// <summary>The new session (<c>wse_…</c>).</summary>
    public string WorkerSessionId { get; set; } = string.Empty;
    /// <summary>How often to send heartbeats, in milliseconds.</summary>
    public int HeartbeatIntervalMs { get; set; } = 10000;
    /// <summary>Silence after which the server ends the session, in milliseconds.</summary>
    public int HeartbeatTimeoutMs { get; set; } = 30000;
    /// <summary>Assignment lease length, in milliseconds.</summary>
    public int LeaseDurationMs { get; set; } = 300000;
    /// <summary>Whether the worker starts drained.</summary>
    public bool DrainMode { get; set; }
}

/// <summary>Worker → server, the periodic sign of life.</summary>
public sealed class WorkerHeartbeatMessage
{
    /// <summary>Always <see cref="WorkerFrameTypes.Heartbeat"/>.</summary>
    public string Type { get; set; } = WorkerFrameTypes.Heartbeat;
    /// <summary>The worker.</summary>
    public string WorkerId { get; set; } = string.Empty;
    /// <summary>Its session.</summary>
    public string WorkerSessionId { get; set; } = string.Empty;
    /// <summary>Runs it is executing now.</summary>
    public int ActiveRuns { get; set; }
    /// <summary>When it was sent (UTC).</summary>
    public DateTime SentUtc { get; set; } = DateTime.UtcNow;
}

/// <summary>Server → worker, a run to execute: the assignment and the execution plan, both kept as raw JSON.</summary>
public sealed class WorkerAssignMessage
{
    /// <summary>Always <see cref="WorkerFrameTypes.Assign"/>.</summary>
    public string Type { get; set; } = WorkerFrameTypes.Assign;
    /// <summary>The assignment record (id, flowRunId, leaseToken, ...).</summary>
    public JsonElement Assignment { get; set; }
    /// <summary>The run's execution plan.</summary>
    public JsonElement Plan { get; set; }
}

/// <summary>Worker → server, whether an assignment was taken.</summary>
public sealed class WorkerAssignAckMessage
{
    /// <summary>Always <see cref="WorkerFrameTypes.AssignAck"/>.</summary>
    public string Type { get; set; } = WorkerFrameTypes.AssignAck;
    /// <summary>The worker.</summary>
    public string WorkerId { get; set; } = string.Empty;
    /// <summary>Its session.</summary>
    public string WorkerSessionId { get; set; } = string.Empty;
    /// <summary>The assignment (<c>ras_…</c>).</summary>
    public string RunAssignmentId { get; set; } = string.Empty;
    /// <summary>The assignment's lease token (<c>non_…</c>).</summary>
    public string LeaseToken { get; set; } = string.Empty;
    /// <summary>Whether the worker took it.</summary>
    public bool Accepted { get; set; } = true;
    /// <summary>Why it was refused, when it was.</summary>
    public string? Message { get; set; }
}

/// <summary>Worker → server, the end of an assigned run (the completion record kept as raw JSON).</summary>
public sealed class WorkerRunCompletedMessage
{
    /// <summary>Always <see cref="WorkerFrameTypes.RunCompleted"/>.</summary>
    public string Type { get; set; } = WorkerFrameTypes.RunCompleted;
    /// <summary>The completion (flowRunId, runAssignmentId, finalState, outputData, stepRuns, ...).</summary>
    public JsonElement Completion { get; set; }
}

/// <summary>Server → worker, stop taking new work.</summary>
public sealed class WorkerDrainMessage
{
    /// <summary>Always <see cref="WorkerFrameTypes.Drain"/>.</summary>
    public string Type { get; set; } = WorkerFrameTypes.Drain;
    /// <summary>The worker.</summary>
    public string WorkerId { get; set; } = string.Empty;
    /// <summary>Why: <c>operator_request</c>, <c>heartbeat_timeout</c>, <c>superseded_session</c>, <c>server_stopped</c>.</summary>
    public string? Message { get; set; }
}

/// <summary>Server → worker, take new work again.</summary>
public sealed class WorkerResumeMessage
{
    /// <summary>Always <see cref="WorkerFrameTypes.Resume"/>.</summary>
    public string Type { get; set; } = WorkerFrameTypes.Resume;
    /// <summary>The worker.</summary>
    public string WorkerId { get; set; } = string.Empty;
    /// <summary>Why: <c>operator_request</c>.</summary>
    public string? Message { get; set; }
}
