namespace ModelOperator.Kubernetes.Models;

/// <summary>The type of a watch event.</summary>
public enum WatchEventType
{
    Added,
    Modified,
    Deleted,

    /// <summary>Carries only a newer resourceVersion in the object's metadata; nothing changed.</summary>
    Bookmark,

    /// <summary>The server ended the watch with a <see cref="Models.Status"/> (e.g. 410 Gone).</summary>
    Error,
}

/// <summary>One event from a watch stream. <see cref="Object"/> is set for every type but <see cref="WatchEventType.Error"/>, which sets <see cref="Status"/>.</summary>
public sealed record WatchEvent<T>(WatchEventType Type, T? Object, Status? Status = null)
    where T : class, IKubernetesObject
{
    /// <summary>The resourceVersion this event brings the watcher to, if any.</summary>
    public string? ResourceVersion => Object?.Metadata.ResourceVersion;
}
