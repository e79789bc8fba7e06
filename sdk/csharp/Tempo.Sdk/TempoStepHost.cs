using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Tempo.Sdk;

/// <summary>
/// Runs a handler as a protocol v1 process: one request from stdin, one result to stdout, console
/// output into the run log, and exit code 0 whenever a result could be written.
/// </summary>
public static class TempoStepHost
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Reads a request; throws when the text is not one.</summary>
    public static StepRequest DeserializeRequest(string json) =>
        JsonSerializer.Deserialize<StepRequest>(json, Json) ?? throw new JsonException("The step request is null.");

    /// <summary>Writes a result as compact camelCase JSON, nulls left out.</summary>
    public static string SerializeResult(StepResult result)
    {
        if (result.ExceptionMessage is null && result.Exception is not null) result.ExceptionMessage = result.Exception.Message;
        return JsonSerializer.Serialize(result, Json);
    }

    /// <summary>Copies the request's version and ids onto <paramref name="result"/>.</summary>
    public static StepResult Correlate(StepRequest request, StepResult result)
    {
        result.ProtocolVersion = ProtocolVersions.Normalize(request.ProtocolVersion);
        result.TenantId = request.TenantId;
        result.DataFlowId = request.DataFlowId;
        result.FlowRunId = request.FlowRunId;
        result.StepRunId = request.StepRunId;
        result.RequestId = request.RequestId;
        return result;
    }

    /// <summary>A Success result; metadata defaults to the request's.</summary>
    public static StepResult Success(StepRequest request, JsonNode? data, JsonNode? metadata = null) =>
        Correlate(request, new StepResult { Result = StepResultType.Success, Data = data, Metadata = metadata ?? request.Metadata?.DeepClone() });

    /// <summary>An Error result; metadata defaults to the request's.</summary>
    public static StepResult Error(StepRequest request, JsonNode? data, JsonNode? metadata = null) =>
        Correlate(request, new StepResult { Result = StepResultType.Error, Data = data, Metadata = metadata ?? request.Metadata?.DeepClone() });

    /// <summary>An Exception result carrying the exception's message.</summary>
    public static StepResult Exception(StepRequest request, System.Exception exception) =>
        Correlate(request, new StepResult
        {
            Result = StepResultType.Exception,
            Exception = exception,
            ExceptionMessage = exception.Message,
            Metadata = request.Metadata?.DeepClone(),
        });

    /// <summary>
    /// Runs <paramref name="handler"/> over stdin/stdout (or the given reader and writer) and
    /// returns the process exit code: always 0, because every failure is written as a result.
    /// When the host offers persistent mode (<c>TEMPO_PERSISTENT_PROTOCOL=1</c>) it serves one
    /// invocation after another until its input ends.
    /// </summary>
    public static async Task<int> RunAsync(
        ITempoStepHandler handler,
        TextReader? input = null,
        TextWriter? output = null,
        CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var protocolIn = input ?? Console.In;
        var protocolOut = output ?? Console.Out;
        if (Environment.GetEnvironmentVariable(ProtocolVersions.PersistentProtocolEnvironmentVariable) == "1")
        {
            return await PersistentStepHost.ServeAsync(handler, protocolIn, protocolOut, token);
        }
        var originalOut = Console.Out;
        var originalError = Console.Error;
        StepRequest? request = null;
        StepResult result;
        try
        {
            var logger = TempoStepLogger.FromEnvironment(originalError);
            if (logger.WritesToFile)
            {
                Console.SetOut(new LoggerTextWriter(logger, "Info"));
                Console.SetError(new LoggerTextWriter(logger, "Error"));
            }
            else
            {
                // stdout carries only the result: what the handler prints goes to stderr instead.
                Console.SetOut(originalError);
            }
            var text = await protocolIn.ReadToEndAsync(token);
            request = DeserializeRequest(string.IsNullOrWhiteSpace(text) ? "{}" : text);
            result = await InvokeAsync(handler, request, logger, token);
        }
        catch (System.Exception error)
        {
            result = request is not null ? Exception(request, error) : Uncorrelated(error);
        }
        finally
        {
            Console.Out.Flush();
            Console.Error.Flush();
            Console.SetOut(originalOut);
            Console.SetError(originalError);
        }
        await protocolOut.WriteAsync(SerializeResult(result));
        await protocolOut.FlushAsync(token);
        return 0;
    }

    /// <summary>
    /// Calls <paramref name="handler"/> with <paramref name="request"/> as the ambient context;
    /// a throw or a null result becomes an Exception result.
    /// </summary>
    internal static async Task<StepResult> InvokeAsync(
        ITempoStepHandler handler,
        StepRequest request,
        ITempoStepLogger logger,
        CancellationToken token)
    {
        var previous = TempoExecutionContext.Current;
        try
        {
            if (!ProtocolVersions.IsSupported(request.ProtocolVersion))
            {
                throw new NotSupportedException($"Unsupported Tempo step protocol version '{request.ProtocolVersion}'.");
            }
            TempoExecutionContext.Current = new TempoExecutionContext
            {
                TenantId = request.TenantId,
                DataFlowId = request.DataFlowId,
                FlowRunId = request.FlowRunId,
                RunAssignmentId = Environment.GetEnvironmentVariable("TEMPO_RUN_ASSIGNMENT_ID"),
                StepId = Environment.GetEnvironmentVariable("TEMPO_STEP_ID"),
                StepRunId = request.StepRunId,
                RequestId = request.RequestId,
                WorkerId = Environment.GetEnvironmentVariable("TEMPO_WORKER_ID"),
                Logger = logger,
            };
            var returned = await handler.RunAsync(request, token);
            return returned is null
                ? Exception(request, new InvalidOperationException("The step handler returned no result."))
                : Correlate(request, returned);
        }
        catch (System.Exception error)
        {
            return Exception(request, error);
        }
        finally
        {
            TempoExecutionContext.Current = previous;
        }
    }

    /// <summary>The Exception result for input that is not a request: flow <c>unknown</c>, a fresh request id.</summary>
    internal static StepResult Uncorrelated(System.Exception error) => new()
    {
        Result = StepResultType.Exception,
        DataFlowId = "unknown",
        RequestId = Ids.New("req"),
        Exception = error,
        ExceptionMessage = error.Message,
    };
}
