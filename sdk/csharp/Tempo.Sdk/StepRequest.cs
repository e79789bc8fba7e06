using System.Text.Json.Nodes;

namespace Tempo.Sdk;

/// <summary>The one JSON document a handler reads from stdin.</summary>
public sealed class StepRequest
{
    /// <summary>Protocol version of this request.</summary>
    public string ProtocolVersion { get; set; } = ProtocolVersions.Current;
    /// <summary>Owning tenant (<c>ten_…</c>).</summary>
    public string? TenantId { get; set; }
    /// <summary>The flow (<c>flow_…</c>); generated when missing.</summary>
    public string DataFlowId { get; set; } = Ids.New("flow");
    /// <summary>The run (<c>run_…</c>).</summary>
    public string? FlowRunId { get; set; }
    /// <summary>The step run (<c>sru_…</c>).</summary>
    public string? StepRunId { get; set; }
    /// <summary>Correlation id; generated when missing.</summary>
    public string RequestId { get; set; } = Ids.New("req");
    /// <summary>The step's input: the previous step's output.</summary>
    public JsonNode? Data { get; set; }
    /// <summary>Extra context.</summary>
    public JsonNode? Metadata { get; set; }
    /// <summary>Result of the step before, or null for the first step.</summary>
    public StepResultType? PreviousResult { get; set; }
}
