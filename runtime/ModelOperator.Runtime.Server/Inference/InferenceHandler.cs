using System.Buffers;
using System.IO.Pipelines;
using System.Diagnostics;
using ModelOperator.Runtime.Protocol;
using ModelOperator.Runtime.Server.Endpoints;
using ModelOperator.Runtime.Server.Hosting;
using ModelOperator.Runtime.Server.Metrics;
using ModelOperator.Runtime.Server.Models;
using ModelOperator.Runtime.Server.Shadow;
using Outcome = ModelOperator.Runtime.Server.Metrics.ServerMetrics.Outcome;

namespace ModelOperator.Runtime.Server.Inference;

/// <summary>
/// POST /v2/models/{name}[/versions/{version}]/infer. Reads the body from the connection's
/// pipe, parses it in place against the model's signature, runs the model, and writes the
/// outputs straight from the runtime's buffers. Bad input answers 4xx with {"error": ...} and
/// leaves nothing behind: pooled objects are reset and returned on every path.
/// </summary>
internal sealed class InferenceHandler(
    ModelState state,
    ServerMetrics metrics,
    ServerOptions options,
    RequestBodyBudget budget,
    ShadowMirror mirror,
    ILogger<InferenceHandler> logger)
{
    public async Task HandleAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        metrics.InFlight.Inc();
        var outcome = Outcome.Error;
        try
        {
            outcome = await ServeAsync(context).ConfigureAwait(false);
        }
        catch (Exception ex) when (ClientWentAway(context, ex))
        {
            // Not a fault of the server, and nobody left to answer.
            outcome = Outcome.ClientAborted;
        }
        catch (BadHttpRequestException ex)
        {
            // The transport refused the body: a malformed chunk, a chunk size that overflows, a
            // body shorter than its Content-Length.
            outcome = Outcome.BadRequest;
            await TryErrorAsync(context, ex.StatusCode, "could not read the request body: " + ex.Message).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            outcome = Outcome.BadRequest;
            await TryErrorAsync(context, StatusCodes.Status400BadRequest, "could not read the request body: " + ex.Message).ConfigureAwait(false);
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
        if (ModelRoute.Mismatch(context, metrics.ModelName, metrics.ModelVersion) is { } notFound)
        {
            await JsonResponses.ErrorAsync(context, StatusCodes.Status404NotFound, notFound).ConfigureAwait(false);
            return Outcome.NotFound;
        }

        var (headerLength, headerError) = BinaryDataExtension.HeaderLength(context.Request);
        if (headerError is not null)
        {
            await JsonResponses.ErrorAsync(context, StatusCodes.Status400BadRequest, headerError).ConfigureAwait(false);
            return Outcome.BadRequest;
        }

        // application/octet-stream is the binary data extension's body: JSON header and binary data.
        if (!(headerLength >= 0 && BinaryDataExtension.IsOctetStream(context.Request.ContentType))
            && UnacceptedContentType(context.Request.ContentType) is { } unaccepted)
        {
            await JsonResponses.ErrorAsync(context, StatusCodes.Status415UnsupportedMediaType, unaccepted).ConfigureAwait(false);
            return Outcome.BadRequest;
        }

        var (coding, codingError) = RequestContentEncoding.Of(context.Request);
        if (codingError is not null)
        {
            context.Response.Headers.AcceptEncoding = RequestContentEncoding.Accepted;
            await JsonResponses.ErrorAsync(context, StatusCodes.Status415UnsupportedMediaType, codingError).ConfigureAwait(false);
            return Outcome.BadRequest;
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

        // Announced to the batcher now, so that a forming batch waits for this request while its body arrives.
        var call = InferenceCall.Start(model, budget);
        try
        {
            var limit = Math.Min(model.MaxRequestBytes, options.MaxRequestBodyBytes);
            if (context.Request.ContentLength > limit)
            {
                await TooLargeAsync(context, model, limit).ConfigureAwait(false);
                return Outcome.TooLarge;
            }

            // Reserve the declared length up front; a chunked body reserves as it arrives.
            if (!call.TryReserve(context.Request.ContentLength ?? 0))
            {
                await BusyAsync(context).ConfigureAwait(false);
                return Outcome.Busy;
            }

            var reader = context.Request.BodyReader;
            ReadResult read;
            while (true)
            {
                read = await reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
                if (read.Buffer.Length > limit)
                {
                    reader.AdvanceTo(read.Buffer.End);
                    await TooLargeAsync(context, model, limit).ConfigureAwait(false);
                    return Outcome.TooLarge;
                }

                if (read.Buffer.Length > call.Reserved && !call.TryReserve(read.Buffer.Length - call.Reserved))
                {
                    reader.AdvanceTo(read.Buffer.End);
                    await BusyAsync(context).ConfigureAwait(false);
                    return Outcome.Busy;
                }

                if (read.IsCompleted)
                {
                    break;
                }

                reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
            }

            var body = read.Buffer;
            byte[]? decoded = null;
            if (coding != RequestContentEncoding.Coding.Identity)
            {
                var result = RequestContentEncoding.Decode(read.Buffer, coding, limit, call.TryReserve);
                reader.AdvanceTo(read.Buffer.End);
                switch (result.Outcome)
                {
                    case RequestContentEncoding.Outcome.TooLarge:
                        await TooLargeAsync(context, model, limit, "decompresses to more").ConfigureAwait(false);
                        return Outcome.TooLarge;
                    case RequestContentEncoding.Outcome.Busy:
                        await BusyAsync(context).ConfigureAwait(false);
                        return Outcome.Busy;
                    case RequestContentEncoding.Outcome.Invalid:
                        await JsonResponses.ErrorAsync(context, StatusCodes.Status400BadRequest, result.Error!).ConfigureAwait(false);
                        return Outcome.BadRequest;
                }

                decoded = result.Buffer!;
                body = new ReadOnlySequence<byte>(decoded, 0, result.Length);
            }

            // The body is released once parsed: a request chosen for mirroring keeps a copy of it now.
            var copy = mirror.Sample(body, headerLength);
            string? error = null;
            var errorStatus = 0;
            try
            {
                // Parsing copies the inputs into the request's own buffers, so the body can go.
                InferenceRequestParser.Parse(body, call.Request, headerLength);
            }
            catch (ProtocolException ex)
            {
                (error, errorStatus) = (ex.Message, ex.StatusCode);
            }
            finally
            {
                if (decoded is null)
                {
                    reader.AdvanceTo(read.Buffer.End);
                }
                else
                {
                    ArrayPool<byte>.Shared.Return(decoded);
                }
            }

            if (error is null)
            {
                (error, errorStatus) = await call.RunAsync(metrics, logger).ConfigureAwait(false);
            }

            if (error is not null)
            {
                await JsonResponses.ErrorAsync(context, errorStatus, error).ConfigureAwait(false);
                return errorStatus >= 500 ? Outcome.Error : Outcome.BadRequest;
            }

            var buffer = call.Response;
            var written = buffer.Written;
            if (buffer.HeaderLength >= 0)
            {
                context.Response.Headers[BinaryDataExtension.HeaderName] = buffer.HeaderLength.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            context.Response.ContentType = buffer.HeaderLength >= 0 ? BinaryDataExtension.ContentType : JsonResponses.ContentType;
            context.Response.ContentLength = written.Length;
            await context.Response.BodyWriter.WriteAsync(written, context.RequestAborted).ConfigureAwait(false);
            mirror.Offer(copy, written, buffer.HeaderLength);
            return Outcome.Success;
        }
        finally
        {
            call.Dispose();
        }
    }

    private static Task TooLargeAsync(HttpContext context, LoadedModel model, long limit, string what = "is larger")
    {
        // Do not read the rest of an oversized body; close the connection after answering.
        context.Response.Headers.Connection = "close";
        return JsonResponses.ErrorAsync(
            context,
            StatusCodes.Status413PayloadTooLarge,
            $"request body {what} than {limit} bytes, the limit for model {model.Name} (the smaller of MAX_REQUEST_BODY_BYTES and the limit derived from its input sizes, which MAX_REQUEST_BYTES overrides)");
    }

    private Task BusyAsync(HttpContext context)
    {
        context.Response.Headers.Connection = "close";
        context.Response.Headers.RetryAfter = "1";
        return JsonResponses.ErrorAsync(
            context,
            StatusCodes.Status503ServiceUnavailable,
            $"the server is buffering as many request bodies as it may ({budget.Limit} bytes, MAX_BUFFERED_REQUEST_BYTES); retry shortly");
    }

    /// <summary>
    /// Null for a body that may be JSON: no Content-Type, application/json, any +json type, text/plain or
    /// application/x-www-form-urlencoded, in UTF-8 (the only charset the protocol's JSON may use); otherwise the 415 message.
    /// </summary>
    internal static string? UnacceptedContentType(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return null;
        }

        if (Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media))
        {
            var type = media.MediaType.Value ?? string.Empty;
            // text/plain and form-urlencoded too: they are what simple clients send by default (.NET's
            // StringContent; `curl -d`, as Triton's and KServe's own examples call the protocol).
            var json = type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                       || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase)
                       || type.Equals("text/plain", StringComparison.OrdinalIgnoreCase)
                       || type.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);
            var charset = media.Charset.Value;
            if (json && (charset is null || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase)))
            {
                return null;
            }
        }

        var shown = contentType.Length <= 100 ? contentType : contentType[..100] + "…";
        return $"content type \"{shown}\" is not accepted; send the inference request as application/json in UTF-8, or as application/octet-stream with the {BinaryDataExtension.HeaderName} header (binary data extension)";
    }

    // A client that goes away mid-request shows up as a cancelled read, a reset connection, or
    // (when it closed its side before sending the whole Content-Length) Kestrel's "unexpected end
    // of request content", which nothing but a closed connection raises.
    private static bool ClientWentAway(HttpContext context, Exception ex) =>
        ex switch
        {
            Microsoft.AspNetCore.Connections.ConnectionResetException => true,
            BadHttpRequestException bad => bad.Message.StartsWith("Unexpected end of request content", StringComparison.Ordinal),
            OperationCanceledException or IOException => context.RequestAborted.IsCancellationRequested,
            _ => false,
        };

    private static async Task TryErrorAsync(HttpContext context, int status, string message)
    {
        if (!context.Response.HasStarted)
        {
            // The rest of the body cannot be trusted to frame the next request.
            context.Response.Headers.Connection = "close";
            await JsonResponses.ErrorAsync(context, status, message).ConfigureAwait(false);
        }
    }
}
