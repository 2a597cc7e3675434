using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.ControllerRuntime.Events;

/// <summary>
/// Writes core/v1 Events and folds repeats of the same (object, type, reason, message) into one Event
/// whose <c>count</c> and <c>lastTimestamp</c> grow (client-go's event correlator), remembering recent
/// events in a bounded least-recently-used cache. Writes of the same event are serialized, so two identical events
/// always aggregate; different events are written at once (one gate for all made every reconcile worker wait for the
/// others' Event writes). A write answered 409 Conflict is tried again at once (up to
/// <see cref="EventRecorderOptions.ConflictAttempts"/> in all), as every conflict is a quiet retry here: the status
/// this Event tells of is already written, so an Event dropped on a conflict leaves the status without its story.
/// Other failures are logged, never thrown.
/// </summary>
public sealed partial class EventRecorder : IEventRecorder, IDisposable
{
    private readonly IResourceClient<Event> _events;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly EventRecorderOptions _options;
    private readonly string _instance;
    private readonly KeyedGate<EventKey> _writing = new();
    private readonly Lock _recentGate = new();
    private readonly LruCache<EventKey, Recorded> _recent;

    public EventRecorder(IResourceClient<Event> events, TimeProvider timeProvider, ILogger<EventRecorder>? logger = null, EventRecorderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options ?? new EventRecorderOptions();
        _options.Validate();
        _events = events;
        _time = timeProvider;
        _logger = logger ?? NullLogger<EventRecorder>.Instance;
        _instance = string.IsNullOrWhiteSpace(_options.Instance) ? Environment.MachineName : _options.Instance;
        _recent = new LruCache<EventKey, Recorded>(_options.CacheSize);
    }

    public async Task RecordAsync(IKubernetesObject involved, EventType type, string reason, string message, CancellationToken cancellationToken = default)
    {
        if (involved is null || string.IsNullOrEmpty(involved.Metadata.Name) || string.IsNullOrWhiteSpace(reason))
        {
            Log.Invalid(_logger, reason ?? string.Empty, involved?.Kind ?? "<null>", involved?.Metadata.Name ?? "<none>");
            return;
        }

        message = Truncate(message ?? string.Empty, _options.MaxMessageLength);
        var key = new EventKey(involved.ApiVersion, involved.Kind, involved.Metadata.Namespace ?? string.Empty, involved.Metadata.Name, involved.Metadata.Uid ?? string.Empty, type, reason, message);
        try
        {
            using (await _writing.EnterAsync(key, cancellationToken).ConfigureAwait(false))
            {
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        await WriteAsync(involved, key, cancellationToken).ConfigureAwait(false);
                        break;
                    }
                    catch (KubernetesConflictException) when (attempt < _options.ConflictAttempts)
                    {
                        // A new name is drawn for a create, and a patch only adds to the count: trying again is safe.
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Log.Dropped(_logger, reason, key.Kind, key.Namespace, key.Name);
        }
#pragma warning disable CA1031 // Events are best effort: a failure must never reach the reconciler.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.Failed(_logger, ex, reason, key.Kind, key.Namespace, key.Name);
        }
    }

    /// <summary>Nothing to release: a key's gate goes when its last writer leaves. Kept for the owners that dispose it.</summary>
    public void Dispose()
    {
    }

    internal static string Truncate(string message, int max) =>
        message.Length <= max ? message : string.Concat(message.AsSpan(0, max - 3), "...");

    private async Task WriteAsync(IKubernetesObject involved, EventKey key, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (Recent(key) is { } seen)
        {
            var patch = Patch.Merge(new JsonObject
            {
                ["count"] = seen.Count + 1,
                ["lastTimestamp"] = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            });
            try
            {
                var patched = await _events.PatchAsync(seen.Key, patch, null, cancellationToken).ConfigureAwait(false);
                Remember(key, seen with { Count = patched.Count ?? seen.Count + 1 });
                return;
            }
            catch (KubernetesNotFoundException)
            {
                // The Event expired on the server (events have a TTL): start a new one.
                Remember(key, null);
            }
        }

        var created = await _events.CreateAsync(NewEvent(involved, key, now), null, cancellationToken).ConfigureAwait(false);
        Remember(key, new Recorded(ObjectKey.From(created), created.Count ?? 1));
    }

    // The cache is shared by the writers of different events; each key has one writer at a time.
    private Recorded? Recent(EventKey key)
    {
        lock (_recentGate)
        {
            return _recent.TryGet(key, out var seen) ? seen : null;
        }
    }

    private void Remember(EventKey key, Recorded? recorded)
    {
        lock (_recentGate)
        {
            if (recorded is null)
            {
                _recent.Remove(key);
            }
            else
            {
                _recent.Set(key, recorded);
            }
        }
    }

    private Event NewEvent(IKubernetesObject involved, EventKey key, DateTimeOffset now)
    {
        var @namespace = key.Namespace.Length == 0 ? "default" : key.Namespace;
        var suffix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        return new Event
        {
            Metadata = new ObjectMeta { Namespace = @namespace, Name = $"{key.Name}.{now.ToUnixTimeMilliseconds():x}{suffix}" },
            InvolvedObject = new ObjectReference
            {
                ApiVersion = involved.ApiVersion,
                Kind = involved.Kind,
                Namespace = involved.Metadata.Namespace,
                Name = involved.Metadata.Name,
                Uid = involved.Metadata.Uid,
                ResourceVersion = involved.Metadata.ResourceVersion,
            },
            Type = key.Type.ToString(),
            Reason = key.Reason,
            Message = key.Message,
            Count = 1,
            FirstTimestamp = now,
            LastTimestamp = now,
            Source = new EventSource { Component = _options.Component, Host = _instance },
            ReportingComponent = _options.Component,
            ReportingInstance = _instance,
        };
    }

    private readonly record struct EventKey(string ApiVersion, string Kind, string Namespace, string Name, string Uid, EventType Type, string Reason, string Message);

    private sealed record Recorded(ObjectKey Key, int Count);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Could not record event {Reason} for {Kind} {Namespace}/{Name}")]
        public static partial void Failed(ILogger logger, Exception exception, string reason, string kind, string @namespace, string name);

        [LoggerMessage(2, LogLevel.Error, "Event {Reason} for {Kind} {Name} is invalid: it needs an involved object with a name and a non-empty reason")]
        public static partial void Invalid(ILogger logger, string reason, string kind, string name);

        [LoggerMessage(3, LogLevel.Debug, "Event {Reason} for {Kind} {Namespace}/{Name} dropped: cancelled")]
        public static partial void Dropped(ILogger logger, string reason, string kind, string @namespace, string name);
    }
}
