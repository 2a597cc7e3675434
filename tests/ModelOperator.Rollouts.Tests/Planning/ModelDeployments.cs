using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Rollouts.Tests.Planning;

/// <summary>ModelDeployment objects for planner tests.</summary>
internal static class ModelDeployments
{
    public const string Name = "churn";

    public static string Sha(string version) => Convert.ToHexStringLower(
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("model " + version)));

    public static ModelSource Model(string version) => new()
    {
        Name = "churn",
        Version = version,
        Uri = $"s3://models/churn-{version}.onnx",
        Sha256 = Sha(version),
    };

    public static RolloutStep Weight(int weight) => new() { SetWeight = weight };

    public static RolloutStep Pause(string? duration = null) => new() { Pause = new PauseStep { Duration = duration } };

    public static RolloutStep Analyze() => new() { Analysis = new AnalysisStep() };

    public static RolloutStep Shadow(int percent, string duration) => new() { Shadow = new ShadowStep { Percent = percent, Duration = duration } };

    public static AnalysisSpec Thresholds(int failureLimit = 0) => new()
    {
        Interval = "30s",
        MinSamples = 50,
        FailureLimit = failureLimit,
        MaxErrorRate = 0.01,
        MaxP99Latency = "250ms",
        MaxPredictionDrift = 0.25,
        MaxFeatureDrift = 0.2,
    };

    public static ModelDeployment Create(
        string version,
        IReadOnlyList<RolloutStep>? steps = null,
        AnalysisSpec? analysis = null,
        int replicas = 4,
        string progressDeadline = "5m",
        string bakeTime = "0s",
        TrafficRouting? routing = null) => new()
    {
        Metadata = new ObjectMeta { Name = Name, Namespace = "default", Generation = 1, Uid = "uid-1" },
        Spec = new ModelDeploymentSpec
        {
            Model = Model(version) with
            {
                Profile = analysis?.MaxFeatureDrift is null ? null : new ModelProfile { Uri = "s3://models/profile.json", Sha256 = Sha("profile") },
            },
            Replicas = replicas,
            Rollout = new RolloutSpec
            {
                Steps = steps,
                Analysis = analysis,
                ProgressDeadline = progressDeadline,
                BakeTime = bakeTime,
                TrafficRouting = routing,
            },
        },
    };

    /// <summary>The same deployment with another model version (a new generation, as the API server would count it).</summary>
    public static ModelDeployment WithVersion(this ModelDeployment md, string version) => md with
    {
        Metadata = md.Metadata with { Generation = (md.Metadata.Generation ?? 0) + 1 },
        Spec = md.Spec! with { Model = md.Spec.Model! with { Version = version, Uri = $"s3://models/churn-{version}.onnx", Sha256 = Sha(version) } },
    };

    /// <summary>The same deployment with a changed spec (a new generation).</summary>
    public static ModelDeployment WithSpec(this ModelDeployment md, Func<ModelDeploymentSpec, ModelDeploymentSpec> change) => md with
    {
        Metadata = md.Metadata with { Generation = (md.Metadata.Generation ?? 0) + 1 },
        Spec = change(md.Spec!),
    };

    /// <summary>The same deployment with an annotation set (no new generation: metadata only).</summary>
    public static ModelDeployment Annotated(this ModelDeployment md, string key, string value)
    {
        var annotations = new Dictionary<string, string>(md.Metadata.Annotations ?? new Dictionary<string, string>(), StringComparer.Ordinal) { [key] = value };
        return md with { Metadata = md.Metadata with { Annotations = annotations } };
    }
}
