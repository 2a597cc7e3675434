namespace ModelOperator.Kubernetes;

/// <summary>Query parameters of a list call.</summary>
public sealed record ListOptions
{
    /// <summary>e.g. <c>app=web,tier!=cache</c> or <c>app in (a,b)</c>.</summary>
    public string? LabelSelector { get; init; }

    /// <summary>e.g. <c>metadata.name=web</c>, <c>status.phase=Running</c>.</summary>
    public string? FieldSelector { get; init; }

    /// <summary>Page size; the server returns a continue token when more remain.</summary>
    public int? Limit { get; init; }

    /// <summary>The continue token of the previous page.</summary>
    public string? Continue { get; init; }

    /// <summary>Read at least this fresh (with <see cref="ResourceVersionMatch"/>); <c>0</c> allows any cached version.</summary>
    public string? ResourceVersion { get; init; }

    /// <summary><c>NotOlderThan</c> or <c>Exact</c>.</summary>
    public string? ResourceVersionMatch { get; init; }
}

/// <summary>Query parameters of a watch call.</summary>
public sealed record WatchOptions
{
    /// <summary>Events after this version are sent; empty or null starts with synthetic ADDED events for every object.</summary>
    public string? ResourceVersion { get; init; }

    public string? LabelSelector { get; init; }

    public string? FieldSelector { get; init; }

    /// <summary>Ask the server for BOOKMARK events that advance the resourceVersion without a change.</summary>
    public bool AllowWatchBookmarks { get; init; } = true;

    /// <summary>The server ends the watch after this many seconds (it picks a default when null).</summary>
    public int? TimeoutSeconds { get; init; }
}

/// <summary>Options of create, update and patch calls.</summary>
public sealed record WriteOptions
{
    /// <summary>Recorded in managedFields; defaults to the client's field manager.</summary>
    public string? FieldManager { get; init; }

    /// <summary>Validate and return the result without persisting it.</summary>
    public bool DryRun { get; init; }
}

/// <summary>Options of server-side apply.</summary>
public sealed record ApplyOptions
{
    /// <summary>Required: the owner of the applied fields, e.g. <c>modeloperator</c>.</summary>
    public required string FieldManager { get; init; }

    /// <summary>Take ownership of fields other managers own instead of failing with a conflict.</summary>
    public bool Force { get; init; }

    public bool DryRun { get; init; }
}

/// <summary>How the garbage collector treats dependents of a deleted object.</summary>
public enum PropagationPolicy
{
    /// <summary>Delete dependents in the background after the owner is gone.</summary>
    Background,

    /// <summary>Keep the owner (with a foregroundDeletion finalizer) until dependents are gone.</summary>
    Foreground,

    /// <summary>Leave dependents behind with the owner reference removed.</summary>
    Orphan,
}

/// <summary>Options of a delete call.</summary>
public sealed record DeleteOptions
{
    public PropagationPolicy? PropagationPolicy { get; init; }

    public long? GracePeriodSeconds { get; init; }

    /// <summary>Only delete if the object still has this UID (not a recreated namesake).</summary>
    public string? PreconditionUid { get; init; }

    /// <summary>Only delete if the object is still at this resourceVersion.</summary>
    public string? PreconditionResourceVersion { get; init; }

    public bool DryRun { get; init; }
}
