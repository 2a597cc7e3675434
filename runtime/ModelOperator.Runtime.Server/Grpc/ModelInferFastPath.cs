using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Google.Protobuf;
using Grpc.Core;
using ModelOperator.Runtime.Server.Grpc.Protocol;
using ModelOperator.Runtime.Server.Hosting;
using ModelOperator.Runtime.Server.Models;
using ModelOperator.Runtime.Server.Shadow;

namespace ModelOperator.Runtime.Server.Grpc;

/// <summary>
/// ModelInfer, the one hot method, served ahead of Grpc.AspNetCore: a middleware that reads the single length-prefixed
/// message from the body pipe, parses it with the generated parser, runs <see cref="InferenceGrpcService.InferCountedAsync"/>
/// (the framework path's own code) and writes the framed answer with its <c>grpc-status</c> trailer, or a trailers-only
/// error with the percent-encoded <c>grpc-message</c>. The framework's per-call pipeline (call context, deadline timer,
/// interceptor chain, message reader and writer) costs a third of a small call's server CPU; see docs/benchmarks.md.
/// <para>
/// Only the plain case is taken. Everything else goes to the framework untouched, with the body not consumed, so that
/// its semantics hold exactly: another method or casing, another content type, a <c>grpc-encoding</c> other than
/// identity, a <c>grpc-timeout</c> deadline, a model not loaded (UNAVAILABLE with the reason trailers), a compressed
/// flag, a declared length over gRPC's message limit (RESOURCE_EXHAUSTED), a body that is not exactly one message, a
/// message that does not parse.
/// </para>
/// </summary>
internal sealed partial class ModelInferFastPath(
    InferenceGrpcService service,
    GrpcRequestMetrics grpcMetrics,
    ModelState state,
    ServerOptions options,
    ShadowMirror mirror,
    ILogger<ModelInferFastPath> logger)
{
    public const string Method = "/inference.GRPCInferenceService/ModelInfer";

    private const int PrefixLength = 5;

    // gRPC's message limit as GrpcHosting gives it to the framework.
    private readonly long _maxMessage = GrpcHosting.MaxReceiveMessageSize(options);

    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        return Takes(context.Request) && state.Current.Model is not null ? ServeAsync(context, next) : next(context);
    }

    private static bool Takes(HttpRequest request) =>
        string.Equals(request.Path.Value, Method, StringComparison.Ordinal)
        && HttpMethods.IsPost(request.Method)
        && HttpProtocol.IsHttp2(request.Protocol)
        && request.ContentType is "application/grpc" or "application/grpc+proto"
        && request.Headers["grpc-encoding"] is { Count: 0 } or ["identity"]
        && !request.Headers.ContainsKey("grpc-timeout");

    private async Task ServeAsync(HttpContext context, RequestDelegate next)
    {
        var reader = context.Request.BodyReader;
        ReadResult read;
        ReadOnlySequence<byte> body;
        while (true)
        {
            try
            {
                read = await reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is BadHttpRequestException or IOException && !context.RequestAborted.IsCancellationRequested)
            {
                // The fast path runs ahead of the REST error middleware: a body the transport refuses is answered here,
                // as the framework answers an exception while reading the message.
                Failed(context.Response, ex);
                return;
            }

            body = read.Buffer;
            if (!Plain(body, read.IsCompleted))
            {
                // Nothing consumed or examined: the framework reads the same bytes at once and answers as it always has.
                reader.AdvanceTo(body.Start);
                await next(context).ConfigureAwait(false);
                return;
            }

            if (read.IsCompleted)
            {
                break;
            }

            reader.AdvanceTo(body.Start, body.End);
        }

        ModelInferRequest request;
        try
        {
            request = ModelInferRequest.Parser.ParseFrom(body.Slice(PrefixLength));
        }
        catch (InvalidProtocolBufferException)
        {
            reader.AdvanceTo(body.Start);
            await next(context).ConfigureAwait(false);
            return;
        }

        reader.AdvanceTo(body.End);
        await AnswerAsync(context, request).ConfigureAwait(false);
    }

    // Whether the body so far can still be one uncompressed message within the limit; when complete, that it is one.
    private bool Plain(ReadOnlySequence<byte> body, bool complete)
    {
        if (body.Length < PrefixLength)
        {
            return !complete;
        }

        Span<byte> prefix = stackalloc byte[PrefixLength];
        body.Slice(0, PrefixLength).CopyTo(prefix);
        var length = BinaryPrimitives.ReadUInt32BigEndian(prefix[1..]);
        var total = PrefixLength + (long)length;
        return prefix[0] == 0 && length <= _maxMessage && body.Length <= total && (!complete || body.Length == total);
    }

    private async Task AnswerAsync(HttpContext context, ModelInferRequest request)
    {
        var response = context.Response;
        response.ContentType = "application/grpc";
        ModelInferResponse answer;
        try
        {
            answer = await service.InferCountedAsync(request, context.RequestAborted).ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            grpcMetrics.Count(Method, ex.StatusCode);
            TrailersOnly(response, ex.StatusCode, ex.Status.Detail, ex.Trailers);
            return;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Failed(response, ex);
            return;
        }

        mirror.OfferGrpc(request, answer);
        grpcMetrics.Count(Method, StatusCode.OK);
        var writer = response.BodyWriter;
        var prefix = writer.GetSpan(PrefixLength);
        prefix[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(prefix[1..], (uint)answer.CalculateSize());
        writer.Advance(PrefixLength);
        answer.WriteTo(writer);
        response.AppendTrailer("grpc-status", "0");
        // Completing (instead of flushing, then returning) hands Kestrel the message and the trailers at once: one
        // HEADERS, DATA and trailing HEADERS write for the connection's frame writer instead of two.
        await response.CompleteAsync().ConfigureAwait(false);
    }

    // As the framework answers a handler's exception without EnableDetailedErrors.
    private void Failed(HttpResponse response, Exception ex)
    {
        Log.HandlerFailed(logger, ex);
        grpcMetrics.Count(Method, StatusCode.Unknown);
        response.ContentType = "application/grpc";
        TrailersOnly(response, StatusCode.Unknown, "Exception was thrown by handler.", Metadata.Empty);
    }

    // No message was sent, so the status goes in the only HEADERS frame, with the metadata the call carries.
    private static void TrailersOnly(HttpResponse response, StatusCode code, string detail, Metadata trailers)
    {
        var headers = response.Headers;
        headers["grpc-status"] = ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (detail.Length > 0)
        {
            headers["grpc-message"] = GrpcMessageText.Encode(detail);
        }

        foreach (var entry in trailers)
        {
            headers.Append(entry.Key, entry.IsBinary ? Convert.ToBase64String(entry.ValueBytes) : entry.Value);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Error, Message = "ModelInfer failed with an unexpected exception")]
        public static partial void HandlerFailed(ILogger logger, Exception exception);
    }
}
