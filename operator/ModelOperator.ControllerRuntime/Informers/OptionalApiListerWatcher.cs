using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Kubernetes.Watching;

namespace ModelOperator.ControllerRuntime.Informers;

/// <summary>
/// A kind whose API may not be installed (a CRD such as Gateway API's HTTPRoute): while the server answers the list with
/// 404, the informer sees an empty list (so it syncs and the controller starts), and the watch waits <c>recheck</c> and
/// then reports its version expired (410), which makes the informer list again: once the CRD is installed, its objects
/// appear within one recheck. Without this, one missing optional API would keep the whole controller from ever syncing.
/// </summary>
public sealed partial class OptionalApiListerWatcher<T> : IListerWatcher<T>
    where T : class, IKubernetesObject
{
    private readonly IListerWatcher<T> _inner;
    private readonly TimeSpan _recheck;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _what;
    private volatile bool _missing;

    /// <param name="inner">The real lister-watcher.</param>
    /// <param name="what">The API in words for the log, e.g. <c>HTTPRoute (gateway.networking.k8s.io/v1)</c>.</param>
    /// <param name="recheck">How often to look again while the API is missing.</param>
    public OptionalApiListerWatcher(IListerWatcher<T> inner, string what, TimeSpan recheck, TimeProvider time, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(recheck, TimeSpan.Zero);
        _inner = inner;
        _what = what;
        _recheck = recheck;
        _time = time;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Whether the last list found the API missing.</summary>
    public bool ApiMissing => _missing;

    public async Task<ObjectList<T>> ListAsync(int limit, string? continueToken, CancellationToken cancellationToken)
    {
        try
        {
            var list = await _inner.ListAsync(limit, continueToken, cancellationToken).ConfigureAwait(false);
            if (_missing)
            {
                Log.ApiAppeared(_logger, _what);
            }

            _missing = false;
            return list;
        }
        catch (KubernetesNotFoundException) when (continueToken is null)
        {
            if (!_missing)
            {
                Log.ApiMissing(_logger, _what, _recheck);
            }

            _missing = true;
            return new ObjectList<T> { Metadata = new ListMeta { ResourceVersion = "0" } };
        }
    }

    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync(string resourceVersion, int timeoutSeconds, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (_missing)
        {
            // After a while, "410 Gone": the informer lists again, which is how it finds a newly installed API.
            await Task.Delay(_recheck, _time, cancellationToken).ConfigureAwait(false);
            yield return new WatchEvent<T>(WatchEventType.Error, null, new Status { Code = 410, Reason = "Expired", Message = $"checking again whether the {_what} API is installed" });
            yield break;
        }

        // The CRD went away while watched: relist (which finds it missing) instead of retrying this watch forever.
        await foreach (var next in WatchStream.UntilError(_inner.WatchAsync(resourceVersion, timeoutSeconds, cancellationToken), NotFoundAsError, cancellationToken).ConfigureAwait(false))
        {
            yield return next;
        }
    }

    private Status? NotFoundAsError(KubernetesApiException ex) =>
        ex is KubernetesNotFoundException ? new Status { Code = 410, Reason = "Expired", Message = $"the {_what} API answered 404 to a watch" } : null;

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "The {Api} API is not installed; treating it as empty and checking again every {Recheck}")]
        public static partial void ApiMissing(ILogger logger, string api, TimeSpan recheck);

        [LoggerMessage(2, LogLevel.Information, "The {Api} API is installed now")]
        public static partial void ApiAppeared(ILogger logger, string api);
    }
}
