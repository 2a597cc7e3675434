using System.Text.Json;
using ModelOperator.Api;
using ModelOperator.Rollouts.Canary;
using ModelOperator.Runtime.Drift;
using ModelOperator.Testing;

namespace ModelOperator.Deploy.Tests.Sampling;

/// <summary>
/// One example manifest's analysis as the noise check needs it: its thresholds, its <c>minSamples</c> (the API's default
/// when unset), the sizes of the two samples at each weight its steps set, and the reference profile of its model.
/// </summary>
internal sealed record ExampleAnalysis(string Manifest, int MinSamples, double? MaxPredictionDrift, double? MaxFeatureDrift, IReadOnlyList<ExampleAnalysis.Window> Windows, ReferenceProfile Profile)
{
    /// <summary>Where the examples' <c>pvc://models/...</c> claim lives in the repository (the sandbox serves it from there too).</summary>
    private const string ModelsClaim = "pvc://models/";

    /// <summary>
    /// The predictions one analysis window compares at a step's weight, at the fewest that count: the operator counts the
    /// smaller side against <c>minSamples</c>, and the larger side has as many more as its share of traffic is larger.
    /// </summary>
    public sealed record Window(int Weight, int Stable, int Canary);

    /// <summary>Every ModelDeployment manifest under <c>examples/</c> that sets a drift threshold (repository-relative paths).</summary>
    public static IEnumerable<string> Files() =>
        Directory.GetFiles(RepositoryFiles.Path("examples"), "*.yaml", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Where(f => File.ReadAllText(f) is var text && text.Contains("kind: ModelDeployment", StringComparison.Ordinal)
                && (text.Contains("maxPredictionDrift:", StringComparison.Ordinal) || text.Contains("maxFeatureDrift:", StringComparison.Ordinal)))
            .Select(f => Path.GetRelativePath(RepositoryFiles.Root, f).Replace('\\', '/'));

    public static ExampleAnalysis Read(string file)
    {
        var json = YamlToJson.Read(RepositoryFiles.Read(file))!.ToJsonString();
        var spec = JsonSerializer.Deserialize(json, ModelDeploymentJsonContext.Default.ModelDeployment)?.Spec
            ?? throw new InvalidDataException($"{file} has no spec.");
        var analysis = spec.Rollout?.Analysis ?? throw new InvalidDataException($"{file} sets no spec.rollout.analysis.");
        var minSamples = analysis.MinSamples ?? ModelDeploymentDefaults.MinSamples;
        var mode = spec.Rollout.TrafficRouting?.GatewayApi is not null ? TrafficRoutingMode.GatewayApi : TrafficRoutingMode.ReplicaRatio;

        // Autoscaled revisions start from minReplicas; the split is the planner's own arithmetic.
        var total = spec.Replicas ?? spec.Autoscaling?.MinReplicas ?? ModelDeploymentDefaults.MinReplicas;
        var windows = (spec.Rollout.Steps ?? [])
            .Select(s => s.SetWeight)
            .OfType<int>()
            .Where(w => w is > 0 and < 100)
            .Distinct()
            .Select(w => WindowAt(w, total, mode, minSamples))
            .ToList();
        return new ExampleAnalysis(file, minSamples, analysis.MaxPredictionDrift, analysis.MaxFeatureDrift, windows, ProfileOf(file, spec.Model));
    }

    private static Window WindowAt(int weight, int total, TrafficRoutingMode mode, int minSamples)
    {
        var split = CanaryMath.Split(total, weight, mode);
        double canaryShare = mode == TrafficRoutingMode.GatewayApi ? weight / 100.0 : (double)split.Canary / (split.Canary + split.Stable);
        var smaller = Math.Min(canaryShare, 1 - canaryShare);
        var larger = (int)Math.Round(minSamples * (1 - smaller) / smaller);
        return canaryShare <= 0.5 ? new Window(weight, larger, minSamples) : new Window(weight, minSamples, larger);
    }

    /// <summary>The model's reference profile: the one the manifest names, or the one beside its model file.</summary>
    private static ReferenceProfile ProfileOf(string file, ModelSource? model)
    {
        var uri = model?.Profile?.Uri ?? (model?.Uri is { } m ? m[..(m.LastIndexOf('/') + 1)] + "profile.json" : null);
        if (uri is null || !uri.StartsWith(ModelsClaim, StringComparison.Ordinal))
        {
            throw new InvalidDataException(
                $"{file}: the model's reference profile ({uri ?? "none"}) is not in the examples' claim {ModelsClaim} (examples/models), so its prediction distribution is unknown; use a model of examples/models.");
        }

        return ReferenceProfileJson.Deserialize(RepositoryFiles.Read("examples/models/" + uri[ModelsClaim.Length..]));
    }
}
