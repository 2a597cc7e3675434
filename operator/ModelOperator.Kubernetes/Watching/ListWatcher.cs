using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Kubernetes.Watching;

/// <summary>
/// The list-then-watch loop an informer runs on: list everything, yield a <see cref="ListWatchSnapshot{T}"/>, then
/// watch from the list's resourceVersion and yield each change. It never gives up until cancelled:
/// <list type="bullet">
/// <item>A watch the server ends normally, or one that went silent for <see cref="ListWatcherOptions.IdleTimeout"/>,
/// resumes from the last resourceVersion seen (events and bookmarks both advance it).</item>
/// <item>410 Gone (as a response or an ERROR event) means the version is compacted: relist, never re-watch the stale
/// version. If a relist returns that same stale version, the watcher waits a backoff before watching again.</item>
/// <item>429 waits for the server's Retry-After; other failures back off exponentially and resume.</item>
/// </list>
/// Bookmarks are consumed here to advance the version; they are not yielded.
/// </summary>
public sealed partial class ListWatcher<T>
    where T : class, IKubernetesObject<T>
{
    private readonly IResourceClient<T> _client;
    private readonly ListWatcherOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public ListWatcher(IResourceClient<T> client, ListWatcherOptions? options = null, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _options = options ?? new ListWatcherOptions();
        _options.Validate();
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The version the next watch starts from; null when a relist is due.</summary>
    public string? ResourceVersion { get; private set; }

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled, yielding snapshots and changes.</summary>
    public async IAsyncEnumerable<ListWatchUpdate<T>> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var kind = T.Resource.Kind;
        var failures = 0;
        string? staleVersion = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            if (ResourceVersion is null)
            {
                ObjectList<T>? list = null;
                TimeSpan? wait = null;
                try
                {
                    list = await _client.ListAllAsync(
                        _options.Namespace,
                        new ListOptions { LabelSelector = _options.LabelSelector, FieldSelector = _options.FieldSelector, Limit = _options.PageSize },
                        cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (IsRetryable(e, cancellationToken))
                {
                    failures++;
                    wait = WaitAfter(e, failures);
                    LogListFailed(kind, wait.Value.TotalSeconds, e);
                }

                if (list is null)
                {
                    await Task.Delay(wait!.Value, _time, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var version = list.Metadata.ResourceVersion ?? string.Empty;
                ResourceVersion = version;
                LogListed(kind, list.Items.Count, version);
                yield return new ListWatchSnapshot<T>(list.Items, version);
                if (version == staleVersion)
                {
                    // The server handed back the version it just called too old; do not spin on it.
                    failures++;
                    await Task.Delay(Backoff(failures), _time, cancellationToken).ConfigureAwait(false);
                }

                staleVersion = null;
            }

            var watchOptions = new WatchOptions
            {
                ResourceVersion = ResourceVersion,
                LabelSelector = _options.LabelSelector,
                FieldSelector = _options.FieldSelector,
                AllowWatchBookmarks = true,
                TimeoutSeconds = _options.WatchTimeoutSeconds,
                IdleTimeout = _options.IdleTimeout,
            };
            LogWatchStarted(kind, ResourceVersion);
            var events = _client.WatchAsync(_options.Namespace, watchOptions, cancellationToken).GetAsyncEnumerator(cancellationToken);
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
                            LogWatchEnded(kind, ResourceVersion);
                            break;
                        }

                        watchEvent = events.Current;
                    }
                    catch (KubernetesGoneException)
                    {
                        MarkGone(kind, ref staleVersion);
                        break;
                    }
                    catch (WatchIdleException e)
                    {
                        LogWatchIdle(kind, e.IdleTimeout.TotalSeconds, ResourceVersion);
                        break;
                    }
                    catch (Exception e) when (IsRetryable(e, cancellationToken))
                    {
                        failures++;
                        wait = WaitAfter(e, failures);
                        LogWatchFailed(kind, wait.Value.TotalSeconds, e);
                    }

                    if (wait is { } delay)
                    {
                        await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                        break;
                    }

                    switch (watchEvent!.Type)
                    {
                        case WatchEventType.Bookmark:
                            ResourceVersion = watchEvent.ResourceVersion ?? ResourceVersion;
                            failures = 0;
                            continue;
                        case WatchEventType.Error when watchEvent.Status?.Code == (int)HttpStatusCode.Gone
                                                      || watchEvent.Status?.Reason is StatusReasons.Expired or StatusReasons.Gone:
                            MarkGone(kind, ref staleVersion);
                            break;
                        case WatchEventType.Error:
                            failures++;
                            var errorWait = Backoff(failures);
                            LogWatchErrorEvent(kind, watchEvent.Status?.Code, watchEvent.Status?.Message, errorWait.TotalSeconds);
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

    private void MarkGone(string kind, ref string? staleVersion)
    {
        LogGone(kind, ResourceVersion);
        staleVersion = ResourceVersion;
        ResourceVersion = null;
    }

    private static bool IsRetryable(Exception e, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested
        && e is KubernetesApiException or HttpRequestException or IOException or TimeoutException or OperationCanceledException;

    private TimeSpan WaitAfter(Exception e, int failures) =>
        e is KubernetesTooManyRequestsException { RetryAfter: { } retryAfter } ? retryAfter : Backoff(failures);

    /// <summary>InitialBackoff × 2^(failures−1), capped at MaxBackoff.</summary>
    internal TimeSpan Backoff(int failures)
    {
        var exponent = Math.Clamp(failures - 1, 0, 30);
        var ticks = _options.InitialBackoff.Ticks * Math.Pow(2, exponent);
        return ticks >= _options.MaxBackoff.Ticks ? _options.MaxBackoff : TimeSpan.FromTicks((long)ticks);
    }

    [LoggerMessage(10, LogLevel.Debug, "Listed {Count} {Kind} objects at resourceVersion {ResourceVersion}")]
    private partial void LogListed(string kind, int count, string resourceVersion);

    [LoggerMessage(11, LogLevel.Warning, "Listing {Kind} failed; retrying in {WaitSeconds} s")]
    private partial void LogListFailed(string kind, double waitSeconds, Exception exception);

    [LoggerMessage(12, LogLevel.Debug, "Watching {Kind} from resourceVersion {ResourceVersion}")]
    private partial void LogWatchStarted(string kind, string? resourceVersion);

    [LoggerMessage(13, LogLevel.Debug, "Watch of {Kind} ended by the server at resourceVersion {ResourceVersion}; resuming")]
    private partial void LogWatchEnded(string kind, string? resourceVersion);

    [LoggerMessage(14, LogLevel.Information, "Watch of {Kind} at resourceVersion {ResourceVersion} is too old (410 Gone); relisting")]
    private partial void LogGone(string kind, string? resourceVersion);

    [LoggerMessage(15, LogLevel.Warning, "Watch of {Kind} was silent for {IdleSeconds} s; resuming from resourceVersion {ResourceVersion}")]
    private partial void LogWatchIdle(string kind, double idleSeconds, string? resourceVersion);

    [LoggerMessage(16, LogLevel.Warning, "Watch of {Kind} failed; retrying in {WaitSeconds} s")]
    private partial void LogWatchFailed(string kind, double waitSeconds, Exception exception);

    [LoggerMessage(17, LogLevel.Warning, "Watch of {Kind} ended with error {Code}: {Message}; retrying in {WaitSeconds} s")]
    private partial void LogWatchErrorEvent(string kind, int? code, string? message, double waitSeconds);
}
