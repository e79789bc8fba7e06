using System.Text.Json.Nodes;

namespace Tempo.Sdk;

/// <summary>A base for handlers, with result helpers and logging through the step's context.</summary>
public abstract class TempoStepHandlerBase : ITempoStepHandler
{
    private static readonly TempoStepLogger ConsoleLogger = new(null, Console.Error);

    /// <inheritdoc />
    public abstract Task<StepResult> RunAsync(StepRequest request, CancellationToken cancellationToken);

    /// <summary>The running step's context.</summary>
    protected TempoExecutionContext? ExecutionContext => TempoExecutionContext.Current;

    private ITempoStepLogger Logger => ExecutionContext?.Logger ?? ConsoleLogger;

    /// <summary>A Success result for <paramref name="request"/>.</summary>
    protected static StepResult Success(StepRequest request, JsonNode? data, JsonNode? metadata = null) =>
        TempoStepHost.Success(request, data, metadata);

    /// <summary>An Error result (an expected failure) for <paramref name="request"/>.</summary>
    protected static StepResult Error(StepRequest request, JsonNode? data, JsonNode? metadata = null) =>
        TempoStepHost.Error(request, data, metadata);

    /// <summary>An Exception result carrying <paramref name="exception"/>'s message.</summary>
    protected static StepResult Exception(StepRequest request, System.Exception exception) =>
        TempoStepHost.Exception(request, exception);

    /// <summary>Logs at Debug.</summary>
    protected void LogDebug(string message) => Logger.Debug(message);
    /// <summary>Logs at Info.</summary>
    protected void LogInfo(string message) => Logger.Info(message);
    /// <summary>Logs at Warn.</summary>
    protected void LogWarn(string message) => Logger.Warn(message);
    /// <summary>Logs at Warn.</summary>
    protected void LogWarning(string message) => Logger.Warn(message);
    /// <summary>Logs at Error.</summary>
    protected void LogError(string message) => Logger.Error(message);
}
