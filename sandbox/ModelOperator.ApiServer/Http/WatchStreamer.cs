using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ModelOperator.ApiServer.Api;
using ModelOperator.ApiServer.Errors;
using ModelOperator.ApiServer.Resources;
using ModelOperator.ApiServer.Selectors;
using ModelOperator.ApiServer.Tables;
using ModelOperator.ApiServer.Watch;

namespace ModelOperator.ApiServer.Http;

/// <summary>
/// Streams a watch as newline-delimited JSON events (<c>{"type":..,"object":..}</c>), as Tables when
/// the client asked for them, with periodic bookmarks, <c>timeoutSeconds</c>, and a 410 ERROR event
/// when the requested resourceVersion is too old.
/// </summary>
internal sealed class WatchStreamer
{
    private readonly ResourceService _service;
    private readonly WatchHub _hub;
    private readonly TimeProvider _time;
    private readonly TimeSpan _bookmarkInterval;
    private readonly CancellationToken _stopping;
    private readonly ILogger _logger;

    public WatchStreamer(ResourceService service, WatchHub hub, TimeProvider time, TimeSpan bookmarkInterval, CancellationToken stopping, ILogger logger)
    {
        _service = service;
        _hub = hub;
        _time = time;
        _bookmarkInterval = bookmarkInterval;
        _stopping = stopping;
        _logger = logger;
    }

    public async Task StreamAsync(HttpContext context, ResourceType type, string? ns)
    {
        var request = context.Request;
        var filter = new WatchEventFilter(
            LabelSelector.Parse(RequestQuery.Get(request, "labelSelector")),
            FieldSelector.Parse(RequestQuery.Get(request, "fieldSelector"), type.StorageKey));
        var timeout = RequestQuery.TimeoutSeconds(request);
        var bookmarks = RequestQuery.Flag(request, "allowWatchBookmarks");
        var asTable = RequestQuery.WantsTable(request);
        var includeObject = RequestQuery.Get(request, "includeObject") ?? "Metadata";
        var columns = asTable ? TableBuilder.Columns(type) : [];

        context.Response.StatusCode = 200;
        context.Response.ContentType = JsonResponses.Json;
        context.Response.Headers.CacheControl = "no-cache, private";

        WatchSubscription subscription;
        List<WatchEvent> initial;
        try
        {
            (subscription, initial) = _service.StartWatch(type, ns, RequestQuery.Get(request, "resourceVersion"), RequestQuery.Flag(request, "sendInitialEvents"), _hub);
        }
        catch (ApiException ex) when (ex.Code == 410)
        {
            await WriteLineAsync(context, "ERROR", ex.ToStatus()).ConfigureAwait(false);
            return;
        }

        var sent = 0;
        var columnsSent = false;
        using var timeoutSource = timeout is { } t ? new CancellationTokenSource(TimeSpan.FromSeconds(t), _time) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, subscription.Ended, _stopping, timeoutSource.Token);
        using var timer = bookmarks ? _time.CreateTimer(_ => _service.QueueBookmark(type, subscription), null, _bookmarkInterval, _bookmarkInterval) : null;
        try
        {
            await context.Response.StartAsync(linked.Token).ConfigureAwait(false);
            await context.Response.Body.FlushAsync(linked.Token).ConfigureAwait(false);
            foreach (var e in initial)
            {
                if (await SendAsync(e).ConfigureAwait(false))
                {
                    sent++;
                }
            }

            await foreach (var e in subscription.Events.Reader.ReadAllAsync(linked.Token).ConfigureAwait(false))
            {
                if (await SendAsync(e).ConfigureAwait(false))
                {
                    sent++;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Timeout, fault injection, client gone or server stopping: the stream simply ends.
        }
        finally
        {
            _hub.Remove(subscription);
            subscription.Dispose();
            Log.WatchEnded(_logger, type.QualifiedResource, sent);
        }

        async Task<bool> SendAsync(WatchEvent e)
        {
            var eventType = filter.Translate(e);
            if (eventType is null)
            {
                return false;
            }

            JsonNode payload;
            if (asTable && eventType != WatchEvent.Bookmark)
            {
                payload = TableBuilder.Build(columns, [e.Object], _service.Now, includeObject, !columnsSent, null, null);
                columnsSent = true;
            }
            else
            {
                payload = ResourceService.Present(type, e.Object);
            }

            await WriteLineAsync(context, eventType, payload, linked.Token).ConfigureAwait(false);
            return true;
        }
    }

    private static async Task WriteLineAsync(HttpContext context, string type, JsonNode payload, CancellationToken cancellationToken = default)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", type);
            writer.WritePropertyName("object");
            payload.WriteTo(writer);
            writer.WriteEndObject();
        }

        buffer.Write("\n"u8);
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
