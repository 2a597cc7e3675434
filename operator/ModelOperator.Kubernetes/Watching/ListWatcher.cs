using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Kubernetes.Watching;

/// <summary>
/// The one list-then-watch loop of the project (client-go's reflector): the informers and <c>kubectl model watch</c> run
/// on it. It lists everything in pages, yields a <see cref="ListWatchSnapshot{T}"/>, then watches from the list's
/// resourceVersion and yields each change. It never gives up until cancelled:
/// <list type="bullet">
/// <item>Each watch asks the server for a random <c>timeoutSeconds</c> in [MinWatchTimeout, 2 × MinWatchTimeout), as the
/// reflector does; a watch the server ends, or one silent for <see cref="ListWatcherOptions.IdleTimeout"/> (measured on
/// the <see cref="TimeProvider"/>), resumes from the last resourceVersion seen (events and bookmarks both advance it).</item>
/// <item>410 Gone (as a response or an ERROR event) means the version is compacted: relist, never re-watch the expired
/// version. If a relist returns that same version, the watcher waits a backoff before watching again.</item>
/// <item>429 waits for the server's Retry-After; other failures (including other ERROR events) back off exponentially on
/// the <see cref="TimeProvider"/> and resume without relisting.</item>
/// </list>
/// Bookmarks are consumed here to advance <see cref="ResourceVersion"/>; they are not yielded.
/// </summary>
public sealed partial class ListWatcher<T>
    where T : class, IKubernetesObject
{
    private readonly IListerWatcher<T> _source;
    private readonly ListWatcherOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _kind = typeof(T).Name;
    private string? _resourceVersion;

    public ListWatcher(IListerWatcher<T> source, ListWatcherOptions? options = null, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        _source = source;
        _options = options ?? new ListWatcherOptions();
        _options.Validate();
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The version the next watch starts from; null before the first list and while a relist is due.</summary>
    public string? ResourceVersion
    {
        get => Volatile.Read(ref _resourceVersion);
        private set => Volatile.Write(ref _resourceVersion, value);
    }

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled, yielding snapshots and changes.</summary>
    public async IAsyncEnumerable<ListWatchUpdate<T>> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var failures = 0;
        string? expiredVersion = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            if (ResourceVersion is null)
            {
                ObjectList<T>? list = null;
                Exception? error = null;
                try
                {
                    list = await ListAllAsync(cancellationToken).ConfigureAwait(false);
                }
#pragma warning disable CA1031 // Any failure of the API is retried after a backoff; the loop must survive it.
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
                {
                    error = e;
                }

                if (list is null)
                {
                    failures++;
                    var wait = WaitAfter(error!, failures);
                    LogListFailed(_kind, wait.TotalSeconds, error);
                    await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var version = list.Metadata.ResourceVersion!;
                ResourceVersion = version;
                LogListed(_kind, list.Items.Count, version);
                yield return new ListWatchSnapshot<T>(list.Items, version);
                if (version == expiredVersion)
                {
                    // The server handed back the version it just called expired; do not spin on it.
                    failures++;
                    await Task.Delay(Backoff(failures), _time, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    failures = 0;
                }

                expiredVersion = null;
            }

            var from = ResourceVersion!;
            var timeoutSeconds = WatchTimeoutSeconds();
            LogWatchStarted(_kind, from, timeoutSeconds);

            // The idle timer cancels the stream when nothing (not even a bookmark) arrived for IdleTimeout; each event re-arms it.
            using var idle = new CancellationTokenSource();
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idle.Token);
            using var idleTimer = _options.IdleTimeout is { } idleTimeout
                ? _time.CreateTimer(static s => ((CancellationTokenSource)s!).Cancel(), idle, idleTimeout, Timeout.InfiniteTimeSpan)
                : null;
            var events = _source.WatchAsync(from, timeoutSeconds, linked.Token).GetAsyncEnumerator(linked.Token);
            try
            {
                while (true)
                {
                    WatchEvent<T>? watchEvent = null;
                    TimeSpan? wait = null;
                    try
                    {
                        if (!await events.MoveNextAsync().ConfigureAwait(false))
                        {
                            LogWatchEnded(_kind, ResourceVersion);
                            break;
                        }

                        watchEvent = events.Current;
                    }
                    catch (OperationCanceledException) when (idle.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                    {
                        LogWatchIdle(_kind, _options.IdleTimeout!.Value.TotalSeconds, ResourceVersion);
                        break;
                    }
#pragma warning disable CA1031 // As above: a failed watch is retried after a backoff.
                    catch (Exception e) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
                    {
                        failures++;
                        wait = WaitAfter(e, failures);
                        LogWatchFailed(_kind, wait.Value.TotalSeconds, e);
                    }

                    if (wait is { } delay)
                    {
                        await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                        break;
                    }

                    idleTimer?.Change(_options.IdleTimeout!.Value, Timeout.InfiniteTimeSpan);
                    switch (watchEvent!.Type)
                    {
                        case WatchEventType.Bookmark:
                            ResourceVersion = watchEvent.ResourceVersion ?? ResourceVersion;
                            failures = 0;
                            continue;
                        case WatchEventType.Error when IsExpired(watchEvent.Status):
                            LogExpired(_kind, ResourceVersion);
                            expiredVersion = ResourceVersion;
                            ResourceVersion = null;
                            break;
                        case WatchEventType.Error:
                        case not WatchEventType.Error when watchEvent.Object is null:
                            failures++;
                            var errorWait = Backoff(failures);
                            LogWatchErrorEvent(_kind, watchEvent.Type.ToString(), watchEvent.Status?.Code, watchEvent.Status?.Message, errorWait.TotalSeconds);
                            await Task.Delay(errorWait, _time, cancellationToken).ConfigureAwait(false);
                            break;
                        default:
                            ResourceVersion = watchEvent.ResourceVersion ?? ResourceVersion;
                            failures = 0;
                            yield return new ListWatchChange<T>(watchEvent);
                            continue;
                    }

                    break;
                }
            }
            finally
            {
                await events.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>client-go's reflector: a random duration in [min, 2 × min), in whole seconds.</summary>
    internal int WatchTimeoutSeconds()
    {
        var min = _options.MinWatchTimeout.TotalSeconds;
        return (int)(min * (1 + Random.Shared.NextDouble()));
    }

    /// <summary>InitialBackoff × 2^(failures−1), capped at MaxBackoff.</summary>
    internal TimeSpan Backoff(int failures)
    {
        var exponent = Math.Clamp(failures - 1, 0, 30);
        var ticks = _options.InitialBackoff.Ticks * Math.Pow(2, exponent);
        return ticks >= _options.MaxBackoff.Ticks ? _options.MaxBackoff : TimeSpan.FromTicks((long)ticks);
    }

    private async Task<ObjectList<T>> ListAllAsync(CancellationToken cancellationToken)
    {
        var items = new List<T>();
        string? continueToken = null;
        string? version = null;
        do
        {
            var page = await _source.ListAsync(_options.PageSize, continueToken, cancellationToken).ConfigureAwait(false);
            if (page.Metadata.RemainingItemCount is long remaining && remaining > 0)
            {
                // The server says how many are still to come (unfiltered lists): one allocation for the whole snapshot.
                items.EnsureCapacity(items.Count + page.Items.Count + (int)Math.Min(remaining, Array.MaxLength / 2));
            }

            items.AddRange(page.Items);
            version ??= page.Metadata.ResourceVersion;
            continueToken = page.Metadata.Continue;
        }
        while (!string.IsNullOrEmpty(continueToken));

        if (string.IsNullOrEmpty(version))
        {
            throw new InvalidOperationException($"The list of {_kind} carried no resourceVersion; a watch cannot start without one.");
        }

        return new ObjectList<T> { Items = items, Metadata = new ListMeta { ResourceVersion = version } };
    }

    private static bool IsExpired(Status? status) =>
        status is not null
        && (status.Code == (int)HttpStatusCode.Gone || status.Reason is StatusReasons.Expired or StatusReasons.Gone);

    private TimeSpan WaitAfter(Exception e, int failures) =>
        e is KubernetesTooManyRequestsException { RetryAfter: { } retryAfter } ? retryAfter : Backoff(failures);

    [LoggerMessage(10, LogLevel.Debug, "Listed {Kind}: {Count} objects at resourceVersion {ResourceVersion}")]
    private partial void LogListed(string kind, int count, string resourceVersion);

    [LoggerMessage(11, LogLevel.Warning, "Listing {Kind} failed; retrying in {WaitSeconds} s")]
    private partial void LogListFailed(string kind, double waitSeconds, Exception? exception);

    [LoggerMessage(12, LogLevel.Debug, "Watching {Kind} from resourceVersion {ResourceVersion} (timeoutSeconds {TimeoutSeconds})")]
    private partial void LogWatchStarted(string kind, string? resourceVersion, int timeoutSeconds);

    [LoggerMessage(13, LogLevel.Debug, "Watch of {Kind} ended by the server at resourceVersion {ResourceVersion}; resuming")]
    private partial void LogWatchEnded(string kind, string? resourceVersion);

    [LoggerMessage(14, LogLevel.Information, "resourceVersion {ResourceVersion} of {Kind} expired (410 Gone); listing again")]
    private partial void LogExpired(string kind, string? resourceVersion);

    [LoggerMessage(15, LogLevel.Warning, "Watch of {Kind} was silent for {IdleSeconds} s; resuming from resourceVersion {ResourceVersion}")]
    private partial void LogWatchIdle(string kind, double idleSeconds, string? resourceVersion);

    [LoggerMessage(16, LogLevel.Warning, "Watch of {Kind} failed; retrying in {WaitSeconds} s")]
    private partial void LogWatchFailed(string kind, double waitSeconds, Exception exception);

    [LoggerMessage(17, LogLevel.Warning, "Watch of {Kind} ended with a {EventType} event, code {Code}: {Message}; retrying in {WaitSeconds} s")]
    private partial void LogWatchErrorEvent(string kind, string eventType, int? code, string? message, double waitSeconds);
}
