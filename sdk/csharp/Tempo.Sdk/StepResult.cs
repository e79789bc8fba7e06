using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Tempo.Sdk;

/// <summary>The one JSON document a handler writes to stdout.</summary>
public sealed class StepResult
{
    /// <summary>Echo of the request's version.</summary>
    public string ProtocolVersion { get; set; } = ProtocolVersions.Current;
    /// <summary>Echo of the request's tenant.</summary>
    public string? TenantId { get; set; }
    /// <summary>Echo of the request's flow.</summary>
    public string? DataFlowId { get; set; }
    /// <summary>Echo of the request's run.</summary>
    public string? FlowRunId { get; set; }
    /// <summary>Echo of the request's step run.</summary>
    public string? StepRunId { get; set; }
    /// <summary>Echo of the request's correlation id.</summary>
    public string? RequestId { get; set; }
    /// <summary>How the step ended.</summary>
    public StepResultType Result { get; set; } = StepResultType.Success;
    /// <summary>The step's output, the next step's input.</summary>
    public JsonNode? Data { get; set; }
    /// <summary>Message of a failure (wire name <c>exception</c>).</summary>
    [JsonPropertyName("exception")]
    public string? ExceptionMessage { get; set; }
    /// <summary>Extra context; helpers default it to the request's.</summary>
    public JsonNode? Metadata { get; set; }
    /// <summary>The failure itself, not sent; its message is used when <see cref="ExceptionMessage"/> is unset.</summary>
    [JsonIgnore]
    public System.Exception? Exception { get; set; }
}
