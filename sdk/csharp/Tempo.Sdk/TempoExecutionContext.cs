namespace Tempo.Sdk;

/// <summary>Where the running step is: ids from the request and the host's variables, and its logger.</summary>
public sealed class TempoExecutionContext
{
    private static readonly AsyncLocal<TempoExecutionContext?> Ambient = new();

    /// <summary>The context of the step running on this async flow, or null outside one.</summary>
    public static TempoExecutionContext? Current
    {
        get => Ambient.Value;
        internal set => Ambient.Value = value;
    }

    /// <summary>Owning tenant.</summary>
    public string? TenantId { get; init; }
    /// <summary>The flow.</summary>
    public string? DataFlowId { get; init; }
    /// <summary>The run.</summary>
    public string? FlowRunId { get; init; }
    /// <summary>The run's assignment (<c>TEMPO_RUN_ASSIGNMENT_ID</c>).</summary>
    public string? RunAssignmentId { get; init; }
    /// <summary>The step's execution key (<c>TEMPO_STEP_ID</c>).</summary>
    public string? StepId { get; init; }
    /// <summary>The step run.</summary>
    public string? StepRunId { get; init; }
    /// <summary>The request's correlation id.</summary>
    public string? RequestId { get; init; }
    /// <summary>The worker running the step (<c>TEMPO_WORKER_ID</c>).</summary>
    public string? WorkerId { get; init; }
    /// <summary>The step's logger.</summary>
    public required ITempoStepLogger Logger { get; init; }
}
