namespace Tempo.Sdk;

/// <summary>A step handler: turns one request into one result.</summary>
public interface ITempoStepHandler
{
    /// <summary>Runs the step. Return an Error result for expected failures; throw for unexpected ones.</summary>
    Task<StepResult> RunAsync(StepRequest request, CancellationToken cancellationToken);
}
