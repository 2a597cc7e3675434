using ModelOperator.Api;

namespace ModelOperator.Rollouts.Planning;

/// <summary>
/// What defines a revision's pods: the model and the effective runtime. The operator builds the pod template from it
/// and records it on the revision's Deployment, so that a revision that is no longer in the spec (the stable one during
/// a canary, one kept for undo) can still be described. Every default a revision's pods depend on (the image, the
/// batching settings, the drain) is applied here, once: the builders read the result and apply none of their own.
/// </summary>
public sealed record RevisionSpec
{
    /// <summary>The revision name, <c>&lt;md-name&gt;-&lt;hash&gt;</c>.</summary>
    public required string Name { get; init; }

    public required ModelSource Model { get; init; }

    /// <summary>
    /// The runtime. After <see cref="Resolve"/> (every spec the planner puts in a plan) <c>image</c> is always set; one
    /// read back from a Deployment may lack it until the planner resolves it.
    /// </summary>
    public required RuntimeSpec Runtime { get; init; }

    public string? ModelVersion => Model.Version;

    /// <summary>
    /// The batching the model server is told to use: <c>spec.runtime.batching</c> with its unset fields at their
    /// defaults (<see cref="ModelDeploymentDefaults.MaxBatchSize"/>, <see cref="ModelDeploymentDefaults.MaxBatchDelay"/>);
    /// null when the spec has no batching section (the server's own defaults: off).
    /// </summary>
    public RevisionBatching? Batching => Runtime.Batching is { } batching
        ? new RevisionBatching(batching.MaxBatchSize ?? ModelDeploymentDefaults.MaxBatchSize, batching.MaxBatchDelay ?? ModelDeploymentDefaults.MaxBatchDelay)
        : null;

    /// <summary>
    /// The model server's drain after SIGTERM: a <c>DRAIN_PERIOD</c> the user set in <c>spec.runtime.env</c> (the
    /// validator allows only a literal duration there), else <see cref="ModelStorageEnv.DefaultDrainPeriod"/>. The pod's
    /// grace period is sized from it.
    /// </summary>
    public TimeSpan DrainPeriod => DrainPeriodInSpec ?? ModelStorageEnv.DefaultDrainPeriod;

    /// <summary>The <c>DRAIN_PERIOD</c> of <c>spec.runtime.env</c>, or null when the spec sets none (the operator then sets it).</summary>
    public TimeSpan? DrainPeriodInSpec =>
        Runtime.Env?.FirstOrDefault(e => e.Name == ModelStorageEnv.DrainPeriod) is { Value: { } text } && GoDuration.TryParse(text, out var drain) ? drain : null;

    /// <summary>
    /// The window over which this revision's model servers compute feature drift: the <c>DRIFT_WINDOW</c> of
    /// <c>spec.runtime.env</c>, else <see cref="ModelServerEnv.DefaultDriftWindow"/>. It is the servers' own sliding
    /// window, not the analysis interval, so a feature drift verdict reports it as its window.
    /// </summary>
    public TimeSpan DriftWindow =>
        Runtime.Env?.FirstOrDefault(e => e.Name == ModelServerEnv.DriftWindow) is { Value: { } text } && GoDuration.TryParse(text, out var window)
            ? window
            : ModelServerEnv.DefaultDriftWindow;

    /// <summary>
    /// The revision <paramref name="name"/> of <paramref name="model"/> run by <paramref name="runtime"/>, with
    /// <paramref name="defaultImage"/> (the operator's setting) when the runtime names no image.
    /// </summary>
    public static RevisionSpec Resolve(string name, ModelSource model, RuntimeSpec? runtime, string defaultImage)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(model);
        return new RevisionSpec { Name = name, Model = model, Runtime = EffectiveRuntime(runtime, defaultImage) };
    }

    /// <summary>
    /// <paramref name="runtime"/> with <paramref name="defaultImage"/> when it names no image: what the pods run, and
    /// what the revision name hashes (<c>RevisionNaming</c>), so an operator upgrade that changes the default image rolls
    /// out as a new revision.
    /// </summary>
    public static RuntimeSpec EffectiveRuntime(RuntimeSpec? runtime, string defaultImage)
    {
        ArgumentException.ThrowIfNullOrEmpty(defaultImage);
        return (runtime ?? new RuntimeSpec()) with { Image = string.IsNullOrEmpty(runtime?.Image) ? defaultImage : runtime.Image };
    }
}
