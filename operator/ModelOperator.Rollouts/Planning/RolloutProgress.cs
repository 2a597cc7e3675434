using System.Text.Json;
using System.Text.Json.Serialization;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Rollouts.Autoscaling;

namespace ModelOperator.Rollouts.Planning;

/// <summary>
/// Rollout progress that <c>ModelDeploymentStatus</c> has no field for yet: the current step's start, the analysis
/// streaks and times, a manual pause's start, and the autoscaling memory. It is kept as compact JSON in the
/// <see cref="AnnotationKey"/> annotation of the ModelDeployment (operator-owned, like Argo Rollouts'
/// <c>rollout.argoproj.io/revision</c>), so a restarted operator resumes exactly. Should the status gain these
/// fields, only <see cref="Read"/> and <see cref="Write"/> change.
/// </summary>
public sealed record RolloutProgress
{
    /// <summary>The annotation holding this record.</summary>
    public const string AnnotationKey = "modeloperator.io/rollout-progress";

    public static RolloutProgress Empty { get; } = new();

    /// <summary>When the current canary step began (the progress deadline and timed pauses count from here).</summary>
    public DateTimeOffset? StepStartTime { get; init; }

    /// <summary>Failed analysis runs in a row.</summary>
    public int AnalysisFailures { get; init; }

    /// <summary>Errored analysis runs in a row.</summary>
    public int AnalysisErrors { get; init; }

    /// <summary>When the last counted analysis run was measured.</summary>
    public DateTimeOffset? LastAnalysisTime { get; init; }

    /// <summary>When the last Successful analysis run was measured.</summary>
    public DateTimeOffset? LastPassedAnalysisTime { get; init; }

    /// <summary>The last counted run was Inconclusive (an analysis step then shows as paused).</summary>
    public bool LastAnalysisInconclusive { get; init; }

    /// <summary>When <c>spec.paused</c> took effect; null when not paused by hand.</summary>
    public DateTimeOffset? ManualPauseStartTime { get; init; }

    /// <summary>A pause step without duration saw <c>spec.paused: true</c>; setting it back to false lifts the pause step.</summary>
    public bool PauseStepAcknowledged { get; init; }

    /// <summary>Autoscaling memory of the deployment's total (scale-down stabilization).</summary>
    public IReadOnlyList<RecommendationSample>? ScaleMemory { get; init; }

    /// <summary>Reads the record from the annotations; a missing or unreadable value reads as <see cref="Empty"/>.</summary>
    public static RolloutProgress Read(IReadOnlyDictionary<string, string>? annotations)
    {
        if (annotations is null || !annotations.TryGetValue(AnnotationKey, out var json) || string.IsNullOrWhiteSpace(json))
        {
            return Empty;
        }

        try
        {
            return JsonSerializer.Deserialize(json, RolloutProgressJsonContext.Default.RolloutProgress) ?? Empty;
        }
        catch (JsonException)
        {
            return Empty; // hand-edited into nonsense: start the bookkeeping over rather than stop the rollout
        }
    }

    /// <summary>The annotation value (compact JSON, stable property order).</summary>
    public string Write() => JsonSerializer.Serialize(this, RolloutProgressJsonContext.Default.RolloutProgress);
}

/// <summary>Source-generated JSON for <see cref="RolloutProgress"/> (camelCase, nulls and zeros omitted).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
    Converters = [typeof(KubernetesTimeJsonConverter)])]
[JsonSerializable(typeof(RolloutProgress))]
internal sealed partial class RolloutProgressJsonContext : JsonSerializerContext
{
}
