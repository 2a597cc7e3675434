using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using ModelOperator.Runtime.Server.Grpc;
using ModelOperator.Runtime.Server.Grpc.Protocol;
using ModelOperator.Runtime.Protocol;
using ModelOperator.Runtime.Server.Hosting;
using ModelOperator.Runtime.Server.Inference;
using ModelOperator.Runtime.Server.Models;

namespace ModelOperator.Runtime.Server.Shadow;

/// <summary>
/// One sender: takes the copies queued when it wakes (after <see cref="ShadowMirror.CoalesceDelay"/>), sends them to the
/// candidate (pipelined on one kept connection to an http candidate, see CopySender.Pipeline.cs; one by one through
/// <see cref="HttpClient.SendAsync(HttpRequestMessage, HttpCompletionOption, CancellationToken)"/> to an https one), reads
/// each answer into a buffer and compares it with the stable answer through readers it keeps. A request that came in
/// the binary data extension goes out with its <c>Inference-Header-Content-Length</c> and <c>application/octet-stream</c>,
/// so the candidate reads it as this server did; either answer may be JSON or binary, and both are read by the
/// protocol's <see cref="InferenceAnswer"/>. Waiting for the candidate parks no thread (measured in docs/benchmarks.md,
/// shadow section).
/// </summary>
internal sealed partial class CopySender(HttpClient client, ShadowMetrics metrics, ServerOptions options, ModelState state, TimeProvider time, ILogger logger, CancellationToken stopping)
    : IDisposable
{
    private const int FirstAnswerBytes = 16 * 1024;

    private readonly ArrayBufferWriter<byte> _body = new(4096);
    private readonly Utf8JsonWriter _bodyWriter = new(Stream.Null);
    private ModelSignature? _signature;
    private JsonEncodedText[] _inputNames = [];
    private byte[] _contents = [];
    private InferenceAnswer _stable = new([]);
    private InferenceAnswer _candidate = new([]);
    private AnswerComparison _comparison = new(0);
    private byte[] _answer = ArrayPool<byte>.Shared.Rent(FirstAnswerBytes);
    private CancellationTokenSource _timeout = new(Timeout.InfiniteTimeSpan, time);

    /// <summary>Sends every copy the queue gives until it closes or the server stops.</summary>
    public async Task RunAsync(MirrorQueue queue)
    {
        using var stop = stopping.UnsafeRegister(static s => ((CopySender)s!).CancelCurrent(), this);
        var reader = queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stopping).ConfigureAwait(false))
            {
                // Shadow answers are not latency-critical: a short wait lets one wake carry the copies of many requests.
                await Task.Delay(ShadowMirror.CoalesceDelay, time, stopping).ConfigureAwait(false);
                while (!stopping.IsCancellationRequested && _batch.Count < ShadowMirror.MaxBatch && reader.TryRead(out var copy))
                {
                    _batch.Add(copy);
                }

                try
                {
                    await SendBatchAsync().ConfigureAwait(false);
                }
                finally
                {
                    foreach (var copy in _batch)
                    {
                        copy.Return();
                    }

                    _batch.Clear();
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Shutting down: what is still queued is dropped with the queue.
        }
    }

    public void Dispose()
    {
        _connection?.Dispose();
        _timeout.Dispose();
        _bodyWriter.Dispose();
        ArrayPool<byte>.Shared.Return(_answer);
        _answer = [];
    }

    /// <summary>
    /// The request the candidate gets for <paramref name="copy"/> (its body, the binary extension's header length or -1)
    /// and the most bytes its answer may have; null (counted as failed) when a gRPC call cannot be written as one. The
    /// body of a gRPC call lives in a buffer the next call reuses.
    /// </summary>
    private (ArraySegment<byte> Body, long HeaderLength, int AnswerLimit)? Outgoing(MirrorCopy copy)
    {
        var model = state.Current.Model;
        Prepare(model?.Signature);
        var body = copy.Body;
        var headerLength = copy.BodyHeaderLength;
        var answerSize = copy.StableAnswer.Length;
        if (copy.GrpcRequest is { } call)
        {
            if (model is null)
            {
                Fail("no model is loaded to read the gRPC call with");
                return null;
            }

            if (GrpcBody(model, call) is not { } json)
            {
                return null;
            }

            // JSON takes at most about four times a number's protobuf size.
            (body, headerLength, answerSize) = (json, -1, 4 * copy.GrpcAnswer!.CalculateSize());
        }

        return (body, headerLength, (answerSize * ShadowMirror.AnswerSizeFactor) + ShadowMirror.AnswerSlackBytes);
    }

    /// <summary>One copy through the HttpClient (an https candidate): one exchange of its own.</summary>
    private async Task SendAsync(MirrorCopy copy)
    {
        if (Outgoing(copy) is not var (body, headerLength, limit))
        {
            return;
        }

        var timeout = _timeout;
        timeout.CancelAfter(options.ShadowTimeout);
        var started = time.GetTimestamp();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, copy.Plan.InferUri) { Content = new ByteArrayContent(body.Array!, body.Offset, body.Count) };
            if (headerLength >= 0)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", BinaryDataExtension.ContentType);
                request.Headers.TryAddWithoutValidation(BinaryDataExtension.HeaderName, headerLength.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
            }

            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if ((int)response.StatusCode is < 200 or > 299)
            {
                Fail($"the candidate answered {(int)response.StatusCode}");
                return;
            }

            var (answerHeaderLength, headerError) = response.Headers.TryGetValues(BinaryDataExtension.HeaderName, out var values)
                ? BinaryDataExtension.HeaderLength(new Microsoft.Extensions.Primitives.StringValues([.. values]))
                : (-1, null);
            if (headerError is not null)
            {
                Fail("the candidate's answer has an unreadable header: " + headerError);
                return;
            }

            if (await ReadCappedAsync(response.Content, limit, timeout.Token).ConfigureAwait(false) is not { } length)
            {
                Fail($"the candidate's answer is larger than {limit} bytes");
                return;
            }

            metrics.CandidateDuration.Observe(time.GetElapsedTime(started).TotalSeconds);
            Compare(copy, _answer.AsSpan(0, length), answerHeaderLength);
        }
        catch (Exception) when (timeout.IsCancellationRequested && !stopping.IsCancellationRequested)
        {
            Fail($"the candidate did not answer within {options.ShadowTimeout.TotalMilliseconds} ms");
        }
        catch (HttpRequestException ex)
        {
            Fail($"the candidate could not be reached ({ex.HttpRequestError})");
        }
        catch (ProtocolException ex)
        {
            Fail($"the candidate's answer is not an inference response: {ex.Message}");
        }
        catch (IOException ex)
        {
            Fail($"the candidate's answer broke off ({ex.GetType().Name})");
        }
        finally
        {
            if (!timeout.TryReset())
            {
                // Fired (or cancelled by the shutdown): a token source cannot be reset after that.
                _timeout = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
                timeout.Dispose();
            }
        }
    }

    /// <summary>Readers and names for the model's signature, made again only when the model changed.</summary>
    private void Prepare(ModelSignature? signature)
    {
        if (ReferenceEquals(signature, _signature))
        {
            return;
        }

        // Labels come from the signature, at most MaxOutputs of them, never from either answer.
        string[] outputs = [.. signature?.Outputs.Take(ShadowMetrics.MaxOutputs).Select(o => o.Name) ?? []];
        (_signature, _stable, _candidate, _comparison) = (signature, new InferenceAnswer(outputs), new InferenceAnswer(outputs), new AnswerComparison(outputs.Length));
        _inputNames = [.. signature?.Inputs.Select(i => JsonEncodedText.Encode(i.Name)) ?? []];
    }

    /// <summary>
    /// The REST JSON body of a gRPC call, written from the inputs as the gRPC mapping reads them, so the candidate gets
    /// exactly what the stable model ran on; null (counted as failed) when the call cannot be read that way.
    /// </summary>
    private ArraySegment<byte>? GrpcBody(LoadedModel model, ModelInferRequest call)
    {
        var request = model.RentRequest();
        try
        {
            GrpcTensorMapping.Read(call, call.CalculateSize(), request);
            _body.ResetWrittenCount();
            _bodyWriter.Reset(_body);
            _bodyWriter.WriteStartObject();
            _bodyWriter.WriteStartArray("inputs"u8);
            var inputs = request.Inputs;
            for (var i = 0; i < inputs.Length; i++)
            {
                InferenceResponseWriter.WriteOutput(_bodyWriter, _inputNames[i], inputs[i].DataType, inputs[i].Shape, inputs[i].Data.Span);
            }

            _bodyWriter.WriteEndArray();
            _bodyWriter.WriteEndObject();
            _bodyWriter.Flush();
            return MemoryMarshal.TryGetArray(_body.WrittenMemory, out var segment) ? segment : (ArraySegment<byte>?)null;
        }
        catch (ProtocolException ex)
        {
            Fail($"the gRPC call could not be written as a REST request: {ex.Message}");
            return null;
        }
        finally
        {
            model.ReturnRequest(request);
        }
    }

    /// <summary>Reads a gRPC answer's outputs (raw bytes, or typed contents through the gRPC mapping) into <see cref="_stable"/>.</summary>
    private void ReadGrpcAnswer(ModelInferResponse response)
    {
        _stable.Clear();
        Span<long> shape = stackalloc long[InferenceRequestParserLimits.MaxRank];
        var raw = response.RawOutputContents;
        for (var k = 0; k < response.Outputs.Count; k++)
        {
            var tensor = response.Outputs[k];
            if (Output(tensor.Name) is not { } output || tensor.Shape.Count > shape.Length || (raw.Count > 0 && raw.Count <= k))
            {
                continue;
            }

            var elements = 1L;
            for (var d = 0; d < tensor.Shape.Count; d++)
            {
                shape[d] = tensor.Shape[d];
                elements *= tensor.Shape[d];
            }

            ReadOnlySpan<byte> data;
            if (raw.Count > 0)
            {
                data = raw[k].Span;
            }
            else
            {
                var length = checked((int)(elements * DataTypes.SizeOf(output.DataType)));
                if (_contents.Length < length)
                {
                    _contents = new byte[Math.Max(length, _contents.Length * 2)];
                }

                GrpcTensorMapping.ReadContents(tensor.Contents, output, _contents.AsSpan(0, length));
                data = _contents.AsSpan(0, length);
            }

            _stable.ReadTensor(output.Utf8Name, output.DataType, shape[..tensor.Shape.Count], data);
        }
    }

    private TensorSignature? Output(string name)
    {
        foreach (var output in _signature?.Outputs ?? [])
        {
            if (output.Name == name)
            {
                return output;
            }
        }

        return null;
    }

    private void Compare(MirrorCopy copy, ReadOnlySpan<byte> candidateAnswer, long candidateHeaderLength)
    {
        try
        {
            if (copy.GrpcAnswer is { } grpcAnswer)
            {
                ReadGrpcAnswer(grpcAnswer);
            }
            else
            {
                _stable.Read(copy.StableAnswer, copy.StableAnswerHeaderLength);
            }
        }
        catch (ProtocolException ex)
        {
            // Never a silent agreement: an answer of ours that cannot be read (a BYTES gRPC output, say) fails the copy.
            Fail($"this server's own answer could not be read for comparing: {ex.Message}");
            return;
        }

        _candidate.Read(candidateAnswer, candidateHeaderLength);
        _comparison.Compare(_stable, _candidate, copy.Plan.Tolerance);
        metrics.Record(_comparison);
    }

    /// <summary>The answer's length in <see cref="_answer"/>, or null when it is longer than <paramref name="limit"/> (read no further than one byte past it).</summary>
    private async ValueTask<int?> ReadCappedAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > limit)
        {
            return null;
        }

        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var length = 0;
            while (true)
            {
                var room = Math.Min(_answer.Length, limit + 1) - length;
                if (room == 0)
                {
                    if (length > limit)
                    {
                        return null;
                    }

                    var grown = ArrayPool<byte>.Shared.Rent(Math.Min(limit + 1, _answer.Length * 2));
                    _answer.AsSpan(0, length).CopyTo(grown);
                    ArrayPool<byte>.Shared.Return(_answer);
                    _answer = grown;
                    continue;
                }

                var read = await stream.ReadAsync(_answer.AsMemory(length, room), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return length > limit ? null : length;
                }

                length += read;
            }
        }
    }

    private void CancelCurrent()
    {
        try
        {
            _timeout.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Replaced between the read and the cancel: the next send sees the stop itself.
        }
    }

    private void Fail(string why)
    {
        metrics.Failed.Inc();
        Log.CopyFailed(logger, why);
    }

    private static partial class Log
    {
        // Debug: a failing candidate fails every copy, and the counter already says how many.
        [LoggerMessage(Level = LogLevel.Debug, Message = "Shadow copy failed: {Why}")]
        public static partial void CopyFailed(ILogger logger, string why);
    }
}
