using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Kubernetes.Watching;

namespace ModelOperator.ControllerRuntime.Informers;

/// <summary>
/// Keeps a local cache of one kind in step with the API server and tells handlers what changed
/// (client-go's shared informer). The listing and watching is the project's one engine,
/// <see cref="ListWatcher{T}"/> (paged lists, randomized server-side watch timeouts, idle detection,
/// bookmarks, 410 relist, 429 Retry-After, backoff on the TimeProvider); the informer applies what it
/// yields: a relist replaces the cache and reports objects that vanished in the gap as deletions with
/// an unknown final state. Made with one source per namespace, it runs one engine per namespace into the one cache
/// (an operator that may list only some namespaces, with a Role in each); a relist then replaces that namespace only.
/// </summary>
public sealed partial class Informer<T> : IInformer
    where T : class, IKubernetesObject
{
    private readonly (string? Namespace, ListWatcher<T> Watcher)[] _watchers;
    private readonly bool[] _sourceSynced;
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
        : this([(null, source)], timeProvider, logger, options, indexers, transform)
    {
    }

    /// <summary>One cache over several namespaces, each listed and watched by its own source (which must stay in its namespace).</summary>
    public Informer(
        IReadOnlyDictionary<string, IListerWatcher<T>> sourcesByNamespace,
        TimeProvider timeProvider,
        ILogger<Informer<T>>? logger = null,
        InformerOptions? options = null,
        IReadOnlyDictionary<string, Func<T, IEnumerable<string>>>? indexers = null,
        Func<T, T>? transform = null)
        : this([.. (sourcesByNamespace ?? throw new ArgumentNullException(nameof(sourcesByNamespace))).Select(s => ((string?)s.Key, s.Value))], timeProvider, logger, options, indexers, transform)
    {
    }

    private Informer(
        IReadOnlyList<(string? Namespace, IListerWatcher<T> Source)> sources,
        TimeProvider timeProvider,
        ILogger<Informer<T>>? logger,
        InformerOptions? options,
        IReadOnlyDictionary<string, Func<T, IEnumerable<string>>>? indexers,
        Func<T, T>? transform)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (sources.Count == 0 || sources.Any(s => s.Source is null))
        {
            throw new ArgumentException("an informer needs at least one source", nameof(sources));
        }

        _options = options ?? new InformerOptions();
        _options.Validate();
        _time = timeProvider;
        _logger = logger ?? NullLogger<Informer<T>>.Instance;
        _watchers = [.. sources.Select(s => (s.Namespace, NewWatcher(s.Source)))];
        _sourceSynced = new bool[_watchers.Length];
        _cache = new ObjectCache<T>(indexers);
        _transform = transform;
    }

    private ListWatcher<T> NewWatcher(IListerWatcher<T> source) =>
        new(
            source,
            new ListWatcherOptions
            {
                PageSize = _options.PageSize,
                MinWatchTimeout = _options.MinWatchTimeout,
                IdleTimeout = _options.WatchIdleTimeout,
                InitialBackoff = _options.InitialBackoff,
                MaxBackoff = _options.MaxBackoff,
            },
            _time,
            _logger);

    /// <summary>
    /// The read-only cache; complete once <see cref="HasSynced"/> is true. With a transform (see <see cref="CacheTransforms"/>)
    /// it holds, and handlers receive, transformed objects only.
    /// </summary>
    public IObjectCache<T> Cache => _cache;

    public bool HasSynced => _synced.Task.IsCompleted;

    public string Kind => typeof(T).Name;

    /// <summary>The last resourceVersion the informer has seen (from a list, an event or a bookmark).</summary>
    public string? LastResourceVersion => _watchers[0].Watcher.ResourceVersion ?? Volatile.Read(ref _resourceVersion);

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
        try
        {
            await Task.WhenAll(_watchers.Select((w, i) => RunSourceAsync(i, cancellationToken))).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // stopped
        }
    }

    private async Task RunSourceAsync(int source, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var update in _watchers[source].Watcher.RunAsync(cancellationToken).ConfigureAwait(false))
            {
                switch (update)
                {
                    case ListWatchSnapshot<T> snapshot:
                        Replace(source, _transform is null ? [.. snapshot.Items] : [.. snapshot.Items.Select(_transform)], snapshot.ResourceVersion);
                        break;
                    case ListWatchChange<T> change:
                        Apply(change.Event.Type, _transform is null ? change.Event.Object! : _transform(change.Event.Object!));
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // stopped
        }
    }

    /// <summary>A (re)list of one source: its objects replace those of its namespace (all, for an all-namespace source).</summary>
    private void Replace(int source, List<T> items, string version)
    {
        lock (_dispatch)
        {
            var initial = !_sourceSynced[source];
            var scope = _watchers[source].Namespace;
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

            foreach (var key in _cache.Keys().Where(k => !seen.Contains(k) && (scope is null || k.Namespace == scope)))
            {
                if (_cache.Remove(key) is { } gone)
                {
                    NotifyAll(h => h.OnDelete(gone, true));
                }
            }

            Volatile.Write(ref _resourceVersion, version);
            _sourceSynced[source] = true;
            if (_sourceSynced.All(s => s))
            {
                _synced.TrySetResult();
            }
        }
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
        [LoggerMessage(6, LogLevel.Error, "An event handler for {Kind} failed")]
        public static partial void HandlerFailed(ILogger logger, Exception exception, string kind);
    }
}
