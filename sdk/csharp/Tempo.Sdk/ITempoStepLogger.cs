namespace Tempo.Sdk;

/// <summary>Writes diagnostics to the step's run log. Never write logs to stdout: it carries the protocol.</summary>
public interface ITempoStepLogger
{
    /// <summary>Writes a message at level <c>Debug</c>.</summary>
    /// <param name="message">Text; each of its lines becomes one log line.</param>
    void Debug(string message);

    /// <summary>Writes a message at level <c>Info</c>.</summary>
    /// <param name="message">Text; each of its lines becomes one log line.</param>
    void Info(string message);

    /// <summary>Writes a message at level <c>Warn</c>.</summary>
    /// <param name="message">Text; each of its lines becomes one log line.</param>
    void Warn(string message);

    /// <summary>Writes a message at level <c>Error</c>.</summary>
    /// <param name="message">Text; each of its lines becomes one log line.</param>
    void Error(string message);
}
