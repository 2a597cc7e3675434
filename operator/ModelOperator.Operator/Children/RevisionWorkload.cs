using ModelOperator.Api;

namespace ModelOperator.Operator.Children;

/// <summary>What one revision's Deployment is built from: its name, what defines its pods, and how many.</summary>
/// <param name="Name">The revision name, <c>&lt;md-name&gt;-&lt;10 hex&gt;</c>; also the Deployment's name.</param>
/// <param name="Model">The model the revision serves.</param>
/// <param name="Runtime">How its pods run (null: defaults).</param>
/// <param name="Replicas">Desired pods.</param>
public sealed record RevisionWorkload(string Name, ModelSource Model, RuntimeSpec? Runtime, int Replicas);
