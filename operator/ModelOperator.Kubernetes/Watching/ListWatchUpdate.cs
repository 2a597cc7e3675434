using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Kubernetes.Watching;

/// <summary>What a <see cref="ListWatcher{T}"/> reports: a full snapshot after a (re)list, or one change.</summary>
public abstract record ListWatchUpdate<T>
    where T : class, IKubernetesObject
{
    private protected ListWatchUpdate()
    {
    }
}

/// <summary>
/// Every object that exists at <see cref="ResourceVersion"/>. Replaces whatever the consumer held: objects it knew
/// that are missing here were deleted while the watch was not running.
/// </summary>
public sealed record ListWatchSnapshot<T>(IReadOnlyList<T> Items, string ResourceVersion) : ListWatchUpdate<T>
    where T : class, IKubernetesObject;

/// <summary>One ADDED, MODIFIED or DELETED event (bookmarks and errors are handled inside the watcher).</summary>
public sealed record ListWatchChange<T>(WatchEvent<T> Event) : ListWatchUpdate<T>
    where T : class, IKubernetesObject;
