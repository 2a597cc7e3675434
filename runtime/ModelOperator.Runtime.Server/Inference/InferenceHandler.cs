using System.Buffers;
using System.Diagnostics;
using ModelOperator.Runtime.Onnx;
using ModelOperator.Runtime.Protocol;
using ModelOperator.Runtime.Server.Metrics;
using ModelOperator.Runtime.Server.Models;
using Outcome = ModelOperator.Runtime.Server.Metrics.ServerMetrics.Outcome;

namespace ModelOperator.Runtime.Server.Inference;

/// <summary>
/// POST /v2/models/{name}[/versions/{version}]/infer. Reads the body from the connection's
/// pipe, parses it in place against the model's signature, runs the model, and writes the
/// outputs straight from the runtime's buffers. Bad input answers 4xx with {"error": ...} and
/// leaves nothing behind: pooled objects are reset and returned on every path.
/// </summary>
internal sealed partial class InferenceHandler(ModelState state, ServerMetrics metrics, ILogger<InferenceHandler> logger)
{
    [ThreadStatic]
    private static InputTensor[]? t_inputs;

    public async Task HandleAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        metrics.InFlight.Inc();
        var outcome = Outcome.Error;
        try
        {
            outcome = await ServeAsync(context).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex)
        {
            outcome = Outcome.BadRequest;
            await TryErrorAsync(context, ex.StatusCode, ex.Message).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            outcome = Outcome.BadRequest; // the client went away
        }
        finally
        {
            metrics.InFlight.Dec();
            metrics.CountRequest(outcome);
            metrics.RequestDuration.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    private async Task<string> ServeAsync(HttpContext context)
    {
        var status = state.Current;
        var routeName = context.Request.RouteValues["name"] as string;
        var routeVersion = context.Request.RouteValues["version"] as string;
        if (!string.Equals(routeName, metrics.ModelName, StringComparison.Ordinal)
            || (routeVersion is not null && !string.Equals(routeVersion, metrics.ModelVersion, StringComparison.Ordinal)))
        {
            await JsonResponses.ErrorAsync(context, StatusCodes.Status404NotFound, NotFoundMessage(routeName, routeVersion)).ConfigureAwait(false);
            return Outcome.NotFound;
        }

        if (status.Model is not { } model)
        {
            await JsonResponses.ErrorAsync(
                context,
                StatusCodes.Status503ServiceUnavailable,
                $"model {metrics.ModelName} version {metrics.ModelVersion} is not ready: {status.Reason}: {status.Message}",
                status.Reason).ConfigureAwait(false);
            return Outcome.Unavailable;
        }

        if (context.Request.ContentLength > model.MaxRequestBytes)
        {
            await TooLargeAsync(context, model).ConfigureAwait(false);
            return Outcome.TooLarge;
        }

        var reader = context.Request.BodyReader;
        while (true)
        {
            var read = await reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
            var body = read.Buffer;
            if (body.Length > model.MaxRequestBytes)
            {
                reader.AdvanceTo(body.End);
                await TooLargeAsync(context, model).ConfigureAwait(false);
                return Outcome.TooLarge;
            }

            if (!read.IsCompleted)
            {
                reader.AdvanceTo(body.Start, body.End);
                continue;
            }

            var buffer = ResponseBuffer.Pool.Get();
            try
            {
                string? error;
                int errorStatus;
                try
                {
                    (error, errorStatus) = Infer(model, body, buffer);
                }
                finally
                {
                    reader.AdvanceTo(body.End);
                }

                if (error is not null)
                {
                    await JsonResponses.ErrorAsync(context, errorStatus, error).ConfigureAwait(false);
                    return errorStatus >= 500 ? Outcome.Error : Outcome.BadRequest;
                }

                var written = buffer.Written;
                context.Response.ContentType = JsonResponses.ContentType;
                context.Response.ContentLength = written.Length;
                await context.Response.BodyWriter.WriteAsync(written, context.RequestAborted).ConfigureAwait(false);
                return Outcome.Success;
            }
            finally
            {
                ResponseBuffer.Pool.Return(buffer);
            }
        }
    }

    // Synchronous on purpose: the body, the pooled request and the thread-static input array
    // are all used without an await in between.
    private (string? Error, int Status) Infer(LoadedModel model, ReadOnlySequence<byte> body, ResponseBuffer response)
    {
        var request = model.RentRequest();
        try
        {
            InferenceRequestParser.Parse(body, request);
            var slots = request.Inputs;
            var inputs = t_inputs is { } cached && cached.Length >= slots.Length ? cached : t_inputs = new InputTensor[Math.Max(4, slots.Length)];
            for (var i = 0; i < slots.Length; i++)
            {
                var slot = slots[i];
                inputs[i] = new InputTensor(i, LoadedModel.ToElementType(slot.DataType), slot.Shape, slot.Data);
            }

            var started = Stopwatch.GetTimestamp();
            using var result = model.Session.Run(inputs.AsSpan(0, slots.Length), request.RequestedOutputs);
            metrics.InferenceDuration.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
            model.Drift?.Record(request, result, (int)request.BatchSize);

            var writer = response.Writer;
            InferenceResponseWriter.WriteStart(writer, model.EncodedName, model.EncodedVersion, request.Id, request.HasId);
            for (var i = 0; i < result.Count; i++)
            {
                var index = result.OutputIndex(i);
                InferenceResponseWriter.WriteOutput(
                    writer,
                    model.EncodedOutputNames[index],
                    LoadedModel.ToDataType(result.ElementType(i)),
                    result.Shape(i),
                    result.Bytes(i));
            }

            InferenceResponseWriter.WriteEnd(writer);
            return (null, 0);
        }
        catch (ProtocolException ex)
        {
            return (ex.Message, ex.StatusCode);
        }
        catch (ArgumentException ex)
        {
            return (ex.Message, StatusCodes.Status400BadRequest);
        }
        catch (OnnxRuntimeException ex)
        {
            // ORT reports bad inputs (e.g. shapes its graph cannot take) as INVALID_ARGUMENT.
            var status = ex.ErrorCode == 2 ? StatusCodes.Status400BadRequest : StatusCodes.Status500InternalServerError;
            if (status == StatusCodes.Status500InternalServerError)
            {
                Log.RunFailed(logger, ex.ErrorCode, ex.Message);
            }

            return ("inference failed: " + ex.Message, status);
        }
        finally
        {
            model.ReturnRequest(request);
        }
    }

    private static Task TooLargeAsync(HttpContext context, LoadedModel model)
    {
        // Do not read the rest of an oversized body; close the connection after answering.
        context.Response.Headers.Connection = "close";
        return JsonResponses.ErrorAsync(
            context,
            StatusCodes.Status413PayloadTooLarge,
            $"request body is larger than {model.MaxRequestBytes} bytes, the limit for model {model.Name} (derived from its input sizes; MAX_REQUEST_BYTES overrides)");
    }

    private string NotFoundMessage(string? name, string? version) =>
        version is null || !string.Equals(name, metrics.ModelName, StringComparison.Ordinal)
            ? $"unknown model \"{name}\"; this server serves \"{metrics.ModelName}\""
            : $"unknown version \"{version}\" of model \"{name}\"; this server serves version \"{metrics.ModelVersion}\"";

    private static async Task TryErrorAsync(HttpContext context, int status, string message)
    {
        if (!context.Response.HasStarted)
        {
            await JsonResponses.ErrorAsync(context, status, message).ConfigureAwait(false);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "ONNX Runtime failed a run with code {Code}: {Message}")]
        public static partial void RunFailed(ILogger logger, int code, string message);
    }
}
