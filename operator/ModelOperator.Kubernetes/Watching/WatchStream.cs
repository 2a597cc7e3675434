using System.Runtime.CompilerServices;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Kubernetes.Watching;

/// <summary>
/// The one loop over a watch's events that every <see cref="IListerWatcher{T}"/> shares: it passes events on up to and
/// including the first <see cref="WatchEventType.Error"/> one, and turns the API errors its caller names into that
/// Error event instead of an exception, so that the <see cref="ListWatcher{T}"/> lists again. Which refusals mean
/// "list again" is the caller's policy: 410 Gone for every kind (<see cref="ResourceListerWatcher{T}"/>), and 404 for a
/// kind whose API may be uninstalled while watched (the controller runtime's optional-API lister-watcher).
/// </summary>
public static class WatchStream
{
    /// <param name="events">The watch's events as the client yields them.</param>
    /// <param name="asError">The Error event's status for an API error that ends the watch with a relist; null lets the error escape.</param>
    /// <param name="cancellationToken">Stops the watch.</param>
    public static async IAsyncEnumerable<WatchEvent<T>> UntilError<T>(
        IAsyncEnumerable<WatchEvent<T>> events, Func<KubernetesApiException, Status?> asError, [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : class, IKubernetesObject
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(asError);
        await using var enumerator = events.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            WatchEvent<T> next;
            try
            {
                if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                {
                    yield break;
                }

                next = enumerator.Current;
            }
            catch (KubernetesApiException ex) when (asError(ex) is not null)
            {
                next = new WatchEvent<T>(WatchEventType.Error, null, asError(ex));
            }

            yield return next;
            if (next.Type == WatchEventType.Error)
            {
                yield break;
            }
        }
    }
}
