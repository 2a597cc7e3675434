using ModelOperator.Api;

namespace ModelOperator.Rollouts.Planning;

/// <summary>
/// What defines a revision's pods: the model and the effective runtime (image filled in). The operator builds the pod
/// template from it and records it on the revision's Deployment, so that a revision that is no longer in the spec
/// (the stable one during a canary, one kept for undo) can still be described.
/// </summary>
public sealed record RevisionSpec
{
    /// <summary>The revision name, <c>&lt;md-name&gt;-&lt;hash&gt;</c>.</summary>
    public required string Name { get; init; }

    public required ModelSource Model { get; init; }

    /// <summary>The runtime with <c>image</c> always set.</summary>
    public required RuntimeSpec Runtime { get; init; }

    public string? ModelVersion => Model.Version;
}
