using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tempo.Sdk.Workers;

/// <summary>The JSON rules of worker WebSocket frames: camelCase, case-insensitive reads, nulls left out, enums as names.</summary>
public static class WorkerProtocolJson
{
    /// <summary>Options for <see cref="JsonSerializer"/> that read and write worker frames.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The <c>type</c> of a frame, or null when the text is not a JSON object with one.</summary>
    public static string? FrameType(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("type", out var type)
                && type.ValueKind == JsonValueKind.String
                ? type.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>The <c>type</c> values of worker frames.</summary>
public static class WorkerFrameTypes
{
    /// <summary>Worker → server, first frame of a session.</summary>
    public const string Hello = "hello";
    /// <summary>Server → worker, the answer to <see cref="Hello"/>.</summary>
    public const string HelloAck = "hello-ack";
    /// <summary>Worker → server, every heartbeat interval.</summary>
    public const string Heartbeat = "heartbeat";
    /// <summary>Server → worker, a run to execute.</summary>
    public const string Assign = "assign";
    /// <summary>Worker → server, whether an assignment was accepted.</summary>
    public const string AssignAck = "assign-ack";
    /// <summary>Worker → server, the end of an assigned run.</summary>
    public const string RunCompleted = "run-completed";
    /// <summary>Server → worker, stop taking new work.</summary>
    public const string Drain = "drain";
    /// <summary>Server → worker, take new work again.</summary>
    public const string Resume = "resume";
}
