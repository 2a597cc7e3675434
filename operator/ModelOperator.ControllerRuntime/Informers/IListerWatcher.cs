using ModelOperator.Kubernetes.Models;

namespace ModelOperator.ControllerRuntime.Informers;

/// <summary>
/// The two API calls an informer needs for one kind (client-go's <c>cache.ListerWatcher</c>).
/// An adapter over the Kubernetes client implements it; tests may use a fake.
/// </summary>
public interface IListerWatcher<T>
    where T : class, IKubernetesObject
{
    /// <summary>Lists one page: at most <paramref name="limit"/> objects, continuing from <paramref name="continueToken"/> when given.</summary>
    Task<ObjectList<T>> ListAsync(int limit, string? continueToken, CancellationToken cancellationToken);

    /// <summary>
    /// Watches for changes after <paramref name="resourceVersion"/>, with bookmarks allowed. The stream ends when the
    /// server closes the watch. A version the server no longer has (HTTP 410) must come back as a
    /// <see cref="WatchEventType.Error"/> event whose status code is 410, not as an exception.
    /// </summary>
    IAsyncEnumerable<WatchEvent<T>> WatchAsync(string resourceVersion, CancellationToken cancellationToken);
}
