namespace ModelOperator.Api;

/// <summary>Annotations users set with plain kubectl to act on a ModelDeployment once.</summary>
public static class Annotations
{
    /// <summary>
    /// A one-shot action (<see cref="ManualActions"/>): the operator performs it once, records it in
    /// <c>status.lastDecision</c> and removes the annotation.
    /// </summary>
    public const string Action = "modeloperator.io/action";

    /// <summary>With <c>action: undo</c>, the <c>revision</c> number from <c>status.revisionHistory</c> to go back to; without it, the previous one.</summary>
    public const string UndoRevision = "modeloperator.io/undo-revision";

    /// <summary>
    /// On an HTTPRoute: the name of the ModelDeployment (same namespace) that may set the backendRefs of the route's rules
    /// pointing at its Services. A route without it is never written: the route belongs to its author, and naming it in
    /// <c>spec.rollout.trafficRouting.gatewayAPI.httpRoute</c> alone must not hand it to any ModelDeployment author.
    /// </summary>
    public const string ManagedByModelDeployment = "modeloperator.io/managed-by-modeldeployment";
}

/// <summary>The values of the <see cref="Annotations.Action"/> annotation.</summary>
public static class ManualActions
{
    /// <summary>
    /// Skip the remaining steps and make the canary stable now (Argo Rollouts' <c>promote --full</c>). The plain value
    /// keeps this meaning because manifests and scripts written before <see cref="PromoteStep"/> existed rely on it.
    /// </summary>
    public const string Promote = "promote";

    /// <summary>
    /// Finish the current step now and go on with the next (Argo Rollouts' plain <c>promote</c>): past a pause, an
    /// analysis that has not passed yet, or a weight whose pods are not all ready. On the last step the canary is promoted.
    /// </summary>
    public const string PromoteStep = "promote-step";

    /// <summary>Roll the canary back now (and quarantine its revision).</summary>
    public const string Abort = "abort";

    /// <summary>Lift the quarantine of the current spec's revision and start a new canary.</summary>
    public const string Retry = "retry";

    /// <summary>Roll back to a revision from the history (see <see cref="Annotations.UndoRevision"/>).</summary>
    public const string Undo = "undo";

    /// <summary>All values, in the order the docs list them.</summary>
    public static IReadOnlyList<string> All { get; } = [PromoteStep, Promote, Abort, Retry, Undo];
}
