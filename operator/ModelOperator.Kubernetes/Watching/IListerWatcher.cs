using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Kubernetes.Watching;

/// <summary>
/// The two API calls a <see cref="ListWatcher{T}"/> needs for one kind (client-go's <c>cache.ListerWatcher</c>).
/// <see cref="ResourceListerWatcher{T}"/> implements it over the Kubernetes client; tests may use a fake.
/// </summary>
public interface IListerWatcher<T>
    where T : class, IKubernetesObject
{
    /// <summary>Lists one page: at most <paramref name="limit"/> objects, continuing from <paramref name="continueToken"/> when given.</summary>
    Task<ObjectList<T>> ListAsync(int limit, string? continueToken, CancellationToken cancellationToken);

    /// <summary>
    /// Watches for changes after <paramref name="resourceVersion"/>, with bookmarks allowed, asking the server to end the
    /// watch after <paramref name="timeoutSeconds"/>. The stream ends when the server closes the watch. A version the
    /// server no longer has (HTTP 410) must come back as a <see cref="WatchEventType.Error"/> event whose status code is
    /// 410, not as an exception.
    /// </summary>
    IAsyncEnumerable<WatchEvent<T>> WatchAsync(string resourceVersion, int timeoutSeconds, CancellationToken cancellationToken);
}
