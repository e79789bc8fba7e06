namespace Tempo.Sdk;

/// <summary>Versions of the Tempo step protocol this SDK speaks, and the variables that announce them.</summary>
public static class ProtocolVersions
{
    /// <summary>Protocol version 1.0.</summary>
    public const string V1 = "1.0";

    /// <summary>The version this SDK writes.</summary>
    public const string Current = V1;

    /// <summary>Variable holding the version the host sent (an early hint; the request is authoritative).</summary>
    public const string ProtocolVersionEnvironmentVariable = "TEMPO_PROTOCOL_VERSION";

    /// <summary>Variable holding the comma-separated versions the host supports.</summary>
    public const string SupportedProtocolVersionsEnvironmentVariable = "TEMPO_SUPPORTED_PROTOCOL_VERSIONS";

    /// <summary>
    /// Variable with which a host offers persistent mode (value <c>1</c>): one process serves many
    /// invocations, one JSON line each way (a Tempo extension of protocol v1).
    /// </summary>
    public const string PersistentProtocolEnvironmentVariable = "TEMPO_PERSISTENT_PROTOCOL";

    /// <summary>Every version this SDK accepts.</summary>
    public static IReadOnlyList<string> Supported { get; } = [V1];

    /// <summary>Blank means current; "1" means "1.0"; otherwise the trimmed, lower-cased value.</summary>
    public static string Normalize(string? version)
    {
        var trimmed = (version ?? string.Empty).Trim().ToLowerInvariant();
        if (trimmed.Length == 0) return Current;
        return trimmed.All(char.IsDigit) ? $"{trimmed}.0" : trimmed;
    }

    /// <summary>Whether this SDK speaks <paramref name="version"/>.</summary>
    public static bool IsSupported(string? version) => Supported.Contains(Normalize(version));
}
