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
    private readonly Action<string, IReadOnlyList<string>> _sink;
    private readonly object _gate = new();

    /// <summary>A logger writing to <paramref name="path"/>, or to <paramref name="fallback"/> when it is null.</summary>
    public TempoStepLogger(string? path, TextWriter fallback)
    {
        _path = string.IsNullOrWhiteSpace(path) ? null : path;
        if (_path is null)
        {
            _sink = (level, lines) =>
            {
                fallback.Write(Format(level, lines));
                fallback.Flush();
            };
            return;
        }
        var folder = Path.GetDirectoryName(Path.GetFullPath(_path));
        if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        var file = _path;
        _sink = (level, lines) =>
        {
            using var stream = new FileStream(file, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            using var writer = new StreamWriter(stream, new UTF8Encoding(false));
            writer.Write(Format(level, lines));
        };
    }

    /// <summary>A logger handing each level and its non-blank lines to <paramref name="sink"/> (log frames in persistent mode).</summary>
    internal TempoStepLogger(Action<string, IReadOnlyList<string>> sink) => _sink = sink;

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
        var lines = message.Split('\n').Select(line => line.TrimEnd('\r')).Where(line => line.Trim().Length > 0).ToArray();
        if (lines.Length == 0) return;
        lock (_gate) _sink(level, lines);
    }

    private static string Format(string level, IReadOnlyList<string> lines)
    {
        var stamp = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);
        var text = new StringBuilder();
        foreach (var line in lines) text.Append(stamp).Append(" [").Append(level).Append("] ").Append(line).Append('\n');
        return text.ToString();
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
