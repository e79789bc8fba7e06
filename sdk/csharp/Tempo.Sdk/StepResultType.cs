using System.Text.Json.Serialization;

namespace Tempo.Sdk;

/// <summary>How a step ended; written as its name on the wire.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<StepResultType>))]
public enum StepResultType
{
    /// <summary>The step did its work.</summary>
    Success,
    /// <summary>Produced by Tempo when a limit is exceeded.</summary>
    Timeout,
    /// <summary>An expected business failure, routed through the flow's failure transition.</summary>
    Error,
    /// <summary>An unhandled failure.</summary>
    Exception,
    /// <summary>Produced by the engine's loop guard.</summary>
    MaxIterationsExceeded,
}
