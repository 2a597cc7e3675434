namespace ModelOperator.Rollouts.Planning;

/// <summary>A revision's Deployment as the plan wants it.</summary>
/// <param name="Name">The Deployment and revision name.</param>
/// <param name="Role">What the revision is for.</param>
/// <param name="Replicas">The Deployment's <c>spec.replicas</c>.</param>
/// <param name="Spec">What defines its pods; null means "keep the existing template" (a revision no longer described by the spec whose Deployment did not record it).</param>
public sealed record DesiredRevision(string Name, RevisionRole Role, int Replicas, RevisionSpec? Spec);
