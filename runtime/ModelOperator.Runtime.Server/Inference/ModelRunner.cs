using System.Diagnostics;
using ModelOperator.Runtime.Onnx;
using ModelOperator.Runtime.Protocol;
using ModelOperator.Runtime.Server.Metrics;
using ModelOperator.Runtime.Server.Models;

namespace ModelOperator.Runtime.Server.Inference;

/// <summary>
/// Runs one parsed request on its own and writes the response; also the response writing and
/// error mapping that the batcher shares. Synchronous: the request's buffers and the
/// thread-static input array are used without an await in between.
/// </summary>
internal static partial class ModelRunner
{
    [ThreadStatic]
    private static InputTensor[]? t_inputs;

    public static (string? Error, int Status) RunAlone(LoadedModel model, InferenceRequest request, ResponseBuffer response, ServerMetrics metrics, ILogger logger)
    {
        try
        {
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
            var rows = (int)request.BatchSize;
            var view = new OutputView(result, 0, rows, rows);
            model.Predictions?.Record(request, view);
            Write(model, request, view, response);
            return (null, 0);
        }
        catch (Exception ex) when (ex is ArgumentException or OnnxRuntimeException)
        {
            return MapRunError(ex, logger);
        }
    }

    /// <summary>
    /// Writes the response for <paramref name="request"/> from its view of the outputs, in the order it
    /// asked for: all JSON, or (when it asked for any output in binary) the binary data extension's
    /// JSON followed by those outputs' bytes in the same order.
    /// </summary>
    public static void Write(LoadedModel model, InferenceRequest request, OutputView view, ResponseBuffer response)
    {
        if (response.Sink is { } sink)
        {
            sink.Write(model, request, view);
            return;
        }

        Span<long> shape = stackalloc long[InferenceRequestParserLimits.MaxRank];
        var writer = response.Writer;
        InferenceResponseWriter.WriteStart(writer, model.EncodedName, model.EncodedVersion, request.Id, request.HasId);
        var requested = request.RequestedOutputs;
        var count = requested.IsEmpty ? view.Count : requested.Length;
        var anyBinary = false;
        for (var k = 0; k < count; k++)
        {
            var i = requested.IsEmpty ? k : Find(view, requested[k]);
            var index = view.OutputIndex(i);
            var rank = view.CopyShape(i, shape);
            var type = LoadedModel.ToDataType(view.ElementType(i));
            if (request.IsBinaryOutput(index))
            {
                anyBinary = true;
                InferenceResponseWriter.WriteBinaryOutput(writer, model.EncodedOutputNames[index], type, shape[..rank], view.Bytes(i).Length);
            }
            else
            {
                InferenceResponseWriter.WriteOutput(writer, model.EncodedOutputNames[index], type, shape[..rank], view.Bytes(i));
            }
        }

        InferenceResponseWriter.WriteEnd(writer);
        if (!anyBinary)
        {
            return;
        }

        response.StartBinaryTail();
        for (var k = 0; k < count; k++)
        {
            var i = requested.IsEmpty ? k : Find(view, requested[k]);
            if (request.IsBinaryOutput(view.OutputIndex(i)))
            {
                response.AppendBinary(view.Bytes(i));
            }
        }
    }

    public static (string Error, int Status) MapRunError(Exception ex, ILogger logger)
    {
        if (ex is OnnxRuntimeException ort)
        {
            // ORT reports bad inputs (e.g. shapes its graph cannot take) as INVALID_ARGUMENT.
            var status = ort.ErrorCode == 2 ? StatusCodes.Status400BadRequest : StatusCodes.Status500InternalServerError;
            if (status == StatusCodes.Status500InternalServerError)
            {
                Log.RunFailed(logger, ort.ErrorCode, ort.Message);
            }

            return ("inference failed: " + ort.Message, status);
        }

        return (ex.Message, StatusCodes.Status400BadRequest);
    }

    internal static int Find(OutputView view, int outputIndex)
    {
        for (var i = 0; i < view.Count; i++)
        {
            if (view.OutputIndex(i) == outputIndex)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"output {outputIndex} is missing from the run's result");
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "ONNX Runtime failed a run with code {Code}: {Message}")]
        public static partial void RunFailed(ILogger logger, int code, string message);
    }
}
