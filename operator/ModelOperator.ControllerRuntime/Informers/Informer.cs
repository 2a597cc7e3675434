using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ModelOperator.ControllerRuntime.Queue;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.ControllerRuntime.Informers;

/// <summary>
/// Keeps a local cache of one kind in step with the API server and tells handlers what changed
/// (client-go's reflector + shared informer). It lists (paged), then watches from the list's
/// resourceVersion; when a watch ends it resumes from the last version seen (bookmarks included);
/// when that version is gone (410) it lists again and reports objects that vanished in the gap as
/// deletions with an unknown final state. Failed attempts back off exponentially on the TimeProvider.
/// </summary>
public sealed partial class Informer<T> : IInformer
    where T : class, IKubernetesObject
{
    private readonly IListerWatcher<T> _source;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly InformerOptions _options;
    private readonly ObjectCache<T> _cache;
    private readonly Func<T, T>? _transform;
    private readonly Lock _dispatch = new();
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IResourceEventHandler<T>[] _handlers = [];
    private string? _resourceVersion;

    public Informer(
        IListerWatcher<T> source,
        TimeProvider timeProvider,
        ILogger<Informer<T>>? logger = null,
        InformerOptions? options = null,
        IReadOnlyDictionary<string, Func<T, IEnumerable<string>>>? indexers = null,
        Func<T, T>? transform = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options ?? new InformerOptions();
        _options.Validate();
        _source = source;
        _time = timeProvider;
        _logger = logger ?? NullLogger<Informer<T>>.Instance;
        _cache = new ObjectCache<T>(indexers);
        _transform = transform;
    }

    /// <summary>
    /// The read-only cache; complete once <see cref="HasSynced"/> is true. With a transform (see <see cref="CacheTransforms"/>)
    /// it holds, and handlers receive, transformed objects only.
    /// </summary>
    public IObjectCache<T> Cache => _cache;

    public bool HasSynced => _synced.Task.IsCompleted;

    public string Kind => typeof(T).Name;

    /// <summary>The last resourceVersion the informer has seen (from a list, an event or a bookmark).</summary>
    public string? LastResourceVersion => Volatile.Read(ref _resourceVersion);

    /// <summary>Completes once the first list is in the cache and handlers were told about it.</summary>
    public Task WaitForSyncAsync(CancellationToken cancellationToken) => _synced.Task.WaitAsync(cancellationToken);

    /// <summary>
    /// Registers a handler. A handler added after the first sync is told about every cached object
    /// as an add, so it misses nothing. Dispose the result to unregister.
    /// </summary>
    public IDisposable AddEventHandler(IResourceEventHandler<T> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_dispatch)
        {
            _handlers = [.. _handlers, handler];
            if (HasSynced)
            {
                foreach (var obj in _cache.List())
                {
                    Notify(handler, h => h.OnAdd(obj, true));
                }
            }
        }

        return new Registration(this, handler);
    }

    /// <summary>Lists and watches until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var resync = _options.ResyncPeriod is { } period
            ? _time.CreateTimer(_ => Resync(), null, period, period)
            : null;
        var needList = true;
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (needList)
                {
                    await ListAndReplaceAsync(cancellationToken).ConfigureAwait(false);
                    needList = false;
                    failures = 0;
                }

                var expired = await WatchAsync(LastResourceVersion!, cancellationToken).ConfigureAwait(false);
                failures = 0;
                if (expired)
                {
                    Log.VersionExpired(_logger, Kind, LastResourceVersion);
                    needList = true;
                }
                else
                {
                    Log.WatchEnded(_logger, Kind, LastResourceVersion);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // Any failure of the API is retried after a backoff; the loop must survive it.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                var delay = ExponentialFailureRateLimiter<string>.Backoff(_options.InitialBackoff, _options.MaxBackoff, failures);
                failures = failures == int.MaxValue ? failures : failures + 1;
                Log.AttemptFailed(_logger, ex, Kind, needList ? "list" : "watch", delay);
                try
                {
                    await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    private async Task ListAndReplaceAsync(CancellationToken cancellationToken)
    {
        var items = new List<T>();
        string? continueToken = null;
        string? version;
        do
        {
            var page = await _source.ListAsync(_options.PageSize, continueToken, cancellationToken).ConfigureAwait(false);
            items.AddRange(_transform is null ? page.Items : page.Items.Select(_transform));
            version = page.Metadata.ResourceVersion;
            continueToken = page.Metadata.Continue;
        }
        while (!string.IsNullOrEmpty(continueToken));

        if (string.IsNullOrEmpty(version))
        {
            throw new InvalidOperationException($"The list of {Kind} carried no resourceVersion; a watch cannot start without one.");
        }

        Replace(items, version);
        Log.Listed(_logger, Kind, items.Count, version);
    }

    private void Replace(List<T> items, string version)
    {
        lock (_dispatch)
        {
            var initial = !HasSynced;
            var seen = new HashSet<ObjectKey>();
            foreach (var obj in items)
            {
                seen.Add(ObjectKey.From(obj));
                var old = _cache.Upsert(obj);
                if (old is null)
                {
                    NotifyAll(h => h.OnAdd(obj, initial));
                }
                else if (!string.Equals(old.Metadata.ResourceVersion, obj.Metadata.ResourceVersion, StringComparison.Ordinal))
                {
                    NotifyAll(h => h.OnUpdate(old, obj));
                }
            }

            foreach (var key in _cache.Keys().Where(k => !seen.Contains(k)))
            {
                if (_cache.Remove(key) is { } gone)
                {
                    NotifyAll(h => h.OnDelete(gone, true));
                }
            }

            Volatile.Write(ref _resourceVersion, version);
            _synced.TrySetResult();
        }
    }

    /// <summary>Applies watch events until the stream ends. Returns true when the version expired (410).</summary>
    private async Task<bool> WatchAsync(string version, CancellationToken cancellationToken)
    {
        Log.Watching(_logger, Kind, version);
        await foreach (var change in _source.WatchAsync(version, cancellationToken).ConfigureAwait(false))
        {
            if (change.Type == WatchEventType.Error)
            {
                if (IsGone(change.Status))
                {
                    return true;
                }

                throw new WatchFailedException(change.Status);
            }

            if (change.Object is null)
            {
                throw new WatchFailedException($"A {change.Type} event for {Kind} carried no object.");
            }

            Apply(change.Type, _transform is null ? change.Object : _transform(change.Object));
        }

        return false;
    }

    private void Apply(WatchEventType type, T obj)
    {
        lock (_dispatch)
        {
            switch (type)
            {
                case WatchEventType.Added or WatchEventType.Modified:
                    var old = _cache.Upsert(obj);
                    if (old is null)
                    {
                        NotifyAll(h => h.OnAdd(obj, false));
                    }
                    else
                    {
                        NotifyAll(h => h.OnUpdate(old, obj));
                    }

                    break;
                case WatchEventType.Deleted:
                    if (_cache.Remove(ObjectKey.From(obj)) is not null)
                    {
                        NotifyAll(h => h.OnDelete(obj, false));
                    }

                    break;
                default:
                    break; // Bookmark: only the version moves.
            }

            if (!string.IsNullOrEmpty(obj.Metadata.ResourceVersion))
            {
                Volatile.Write(ref _resourceVersion, obj.Metadata.ResourceVersion);
            }
        }
    }

    private void Resync()
    {
        lock (_dispatch)
        {
            if (!HasSynced)
            {
                return;
            }

            foreach (var obj in _cache.List())
            {
                NotifyAll(h => h.OnUpdate(obj, obj));
            }
        }
    }

    private static bool IsGone(Status? status) =>
        status is not null
        && (status.Code == 410
            || string.Equals(status.Reason, StatusReasons.Expired, StringComparison.Ordinal)
            || string.Equals(status.Reason, StatusReasons.Gone, StringComparison.Ordinal));

    private void NotifyAll(Action<IResourceEventHandler<T>> call)
    {
        foreach (var handler in _handlers)
        {
            Notify(handler, call);
        }
    }

    private void Notify(IResourceEventHandler<T> handler, Action<IResourceEventHandler<T>> call)
    {
        try
        {
            call(handler);
        }
#pragma warning disable CA1031 // A failing handler must not stop the informer or the other handlers.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.HandlerFailed(_logger, ex, Kind);
        }
    }

    private void Remove(IResourceEventHandler<T> handler)
    {
        lock (_dispatch)
        {
            _handlers = [.. _handlers.Where(h => !ReferenceEquals(h, handler))];
        }
    }

    private sealed class Registration(Informer<T> informer, IResourceEventHandler<T> handler) : IDisposable
    {
        public void Dispose() => informer.Remove(handler);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Listed {Kind}: {Count} objects at resourceVersion {ResourceVersion}")]
        public static partial void Listed(ILogger logger, string kind, int count, string resourceVersion);

        [LoggerMessage(2, LogLevel.Debug, "Watching {Kind} from resourceVersion {ResourceVersion}")]
        public static partial void Watching(ILogger logger, string kind, string resourceVersion);

        [LoggerMessage(3, LogLevel.Debug, "Watch of {Kind} ended at resourceVersion {ResourceVersion}; resuming")]
        public static partial void WatchEnded(ILogger logger, string kind, string? resourceVersion);

        [LoggerMessage(4, LogLevel.Information, "resourceVersion {ResourceVersion} of {Kind} expired; listing again")]
        public static partial void VersionExpired(ILogger logger, string kind, string? resourceVersion);

        [LoggerMessage(5, LogLevel.Warning, "The {Operation} of {Kind} failed; retrying in {Delay}")]
        public static partial void AttemptFailed(ILogger logger, Exception exception, string kind, string operation, TimeSpan delay);

        [LoggerMessage(6, LogLevel.Error, "An event handler for {Kind} failed")]
        public static partial void HandlerFailed(ILogger logger, Exception exception, string kind);
    }
}
