using System.Text;

namespace Tempo.Sdk;

/// <summary>
/// Appends <c>{UTC timestamp} [{Level}] {text}</c> lines to the run log file named by
/// <c>TEMPO_RUN_LOG_FILE</c>, one line per line of text, blank lines dropped; without a file it
/// writes the same lines to stderr, which the host captures.
/// </summary>
public sealed class TempoStepLogger : ITempoStepLogger
{
    /// <summary>Variable naming the step's run log file.</summary>
    public const string LogFileEnvironmentVariable = "TEMPO_RUN_LOG_FILE";

    private readonly string? _path;
    private readonly TextWriter _fallback;
    private readonly object _gate = new();

    /// <summary>A logger writing to <paramref name="path"/>, or to <paramref name="fallback"/> when it is null.</summary>
    public TempoStepLogger(string? path, TextWriter fallback)
    {
        _path = string.IsNullOrWhiteSpace(path) ? null : path;
        _fallback = fallback;
        if (_path is not null)
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(_path));
            if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        }
    }

    /// <summary>Whether lines go to a run log file.</summary>
    public bool WritesToFile => _path is not null;

    /// <summary>The logger the host's variables ask for.</summary>
    public static TempoStepLogger FromEnvironment(TextWriter fallback) =>
        new(Environment.GetEnvironmentVariable(LogFileEnvironmentVariable), fallback);

    /// <inheritdoc />
    public void Debug(string message) => Write("Debug", message);
    /// <inheritdoc />
    public void Info(string message) => Write("Info", message);
    /// <inheritdoc />
    public void Warn(string message) => Write("Warn", message);
    /// <inheritdoc />
    public void Error(string message) => Write("Error", message);

    /// <summary>Writes each non-blank line of <paramref name="message"/> at <paramref name="level"/>.</summary>
    public void Write(string level, string message)
    {
        var stamp = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ");
        var lines = message.Split('\n').Select(line => line.TrimEnd('\r')).Where(line => line.Trim().Length > 0);
        var text = new StringBuilder();
        foreach (var line in lines) text.Append(stamp).Append(" [").Append(level).Append("] ").Append(line).Append('\n');
        if (text.Length == 0) return;
        lock (_gate)
        {
            if (_path is null)
            {
                _fallback.Write(text.ToString());
                _fallback.Flush();
                return;
            }
            using var stream = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            using var writer = new StreamWriter(stream, new UTF8Encoding(false));
            writer.Write(text.ToString());
        }
    }
}

/// <summary>A console writer that turns what a handler prints into log lines of one level.</summary>
internal sealed class LoggerTextWriter(TempoStepLogger logger, string level) : TextWriter
{
    private readonly StringBuilder _pending = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        if (value == '\n')
        {
            Flush();
            return;
        }
        _pending.Append(value);
    }

    public override void Write(string? value)
    {
        if (value is null) return;
        foreach (var c in value) Write(c);
    }

    public override void Flush()
    {
        if (_pending.Length == 0) return;
        logger.Write(level, _pending.ToString());
        _pending.Clear();
    }
}
