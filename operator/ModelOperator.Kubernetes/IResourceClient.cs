using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Kubernetes;

/// <summary>
/// Operations on one kind. For cluster-scoped kinds use keys with an empty namespace (<see cref="ObjectKey.Cluster"/>).
/// For list and watch, a null namespace means all namespaces.
/// </summary>
public interface IResourceClient<T>
    where T : class, IKubernetesObject<T>
{
    /// <summary>Reads one object. Throws <see cref="KubernetesNotFoundException"/> when it does not exist.</summary>
    Task<T> GetAsync(ObjectKey key, CancellationToken cancellationToken = default);

    /// <summary>Reads one page. Follow <see cref="ListMeta.Continue"/> with <see cref="ListOptions.Continue"/> for the next.</summary>
    Task<ObjectList<T>> ListAsync(string? @namespace, ListOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Pages through every object (pages of <see cref="ListOptions.Limit"/>, 500 when unset) and returns them all
    /// with the resourceVersion of the first page, from which a watch can start.
    /// </summary>
    Task<ObjectList<T>> ListAllAsync(string? @namespace, ListOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens one watch stream and yields its events until the server closes it or the token is cancelled.
    /// Bookmarks are yielded as <see cref="WatchEventType.Bookmark"/>; an error event (e.g. 410 Gone) is yielded as
    /// <see cref="WatchEventType.Error"/> and ends the stream. No retries here: see <see cref="Watching.ListWatcher{T}"/> for the resuming loop.
    /// </summary>
    IAsyncEnumerable<WatchEvent<T>> WatchAsync(string? @namespace, WatchOptions options, CancellationToken cancellationToken = default);

    /// <summary>Creates an object; <see cref="KubernetesConflictException"/> with reason AlreadyExists when the name is taken.</summary>
    Task<T> CreateAsync(T obj, WriteOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces an object. When <c>metadata.resourceVersion</c> is set the server rejects a stale write with
    /// <see cref="KubernetesConflictException"/> (reason Conflict).
    /// </summary>
    Task<T> UpdateAsync(T obj, WriteOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes an object. Returns the object as the server answered with it (its deletionTimestamp is set while
    /// finalizers hold it), or null when the server answered with a Status. Throws <see cref="KubernetesNotFoundException"/>
    /// when it does not exist and <see cref="KubernetesConflictException"/> when a precondition fails.
    /// </summary>
    Task<T?> DeleteAsync(ObjectKey key, DeleteOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Patches an object with a JSON merge patch, a JSON patch or a strategic merge patch.</summary>
    Task<T> PatchAsync(ObjectKey key, Patch patch, WriteOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Server-side apply: sends the fields this manager owns. Fields omitted that the manager owned before are removed;
    /// fields owned by other managers conflict unless <see cref="ApplyOptions.Force"/>.
    /// </summary>
    Task<T> ApplyAsync(T obj, ApplyOptions options, CancellationToken cancellationToken = default);

    /// <summary>Reads the <c>/status</c> subresource.</summary>
    Task<T> GetStatusAsync(ObjectKey key, CancellationToken cancellationToken = default);

    /// <summary>Replaces status only (spec changes in <paramref name="obj"/> are ignored by the server).</summary>
    Task<T> UpdateStatusAsync(T obj, WriteOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Patches the <c>/status</c> subresource.</summary>
    Task<T> PatchStatusAsync(ObjectKey key, Patch patch, WriteOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Reads the <c>/scale</c> subresource.</summary>
    Task<Scale> GetScaleAsync(ObjectKey key, CancellationToken cancellationToken = default);

    /// <summary>Writes the <c>/scale</c> subresource (resourceVersion precondition as for <see cref="UpdateAsync"/>).</summary>
    Task<Scale> UpdateScaleAsync(ObjectKey key, Scale scale, WriteOptions? options = null, CancellationToken cancellationToken = default);
}
