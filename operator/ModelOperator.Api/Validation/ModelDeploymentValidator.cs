using System.Globalization;
using System.Text.RegularExpressions;
using ModelOperator.Api.Schema;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Api.Validation;

/// <summary>
/// Checks a ModelDeployment the way the operator needs it, whether or not the API server validated it with the CRD
/// schema (an older CRD, a server without CEL, an object read from a file): the schema's constraints and cross-field
/// rules again, plus what a schema cannot say (URI forms, duration values, weights that go down, environment variables
/// the operator owns, revision names that must fit a label). Every problem names the field, what was wrong and what is allowed.
/// </summary>
public static partial class ModelDeploymentValidator
{
    /// <summary>Revision names are <c>&lt;name&gt;-&lt;10 hex&gt;</c> and must fit a 63-character label value.</summary>
    public const int MaxNameLength = 63 - 11;

    private static readonly string[] TolerationOperators = ["", "Equal", "Exists"];
    private static readonly string[] TolerationEffects = ["", "NoSchedule", "PreferNoSchedule", "NoExecute"];

    /// <summary>All problems found, in field order; empty when the object is valid.</summary>
    public static IReadOnlyList<FieldProblem> Validate(ModelDeployment deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        var problems = new List<FieldProblem>();
        CheckMetadata(deployment.Metadata, problems);
        if (deployment.Spec is not { } spec)
        {
            problems.Add(new("spec", "is missing; a ModelDeployment needs spec.model and spec.replicas or spec.autoscaling"));
            return problems;
        }

        CheckModel(spec.Model, problems);
        ModelStorageValidator.Check(spec, problems);
        CheckRuntime(spec.Runtime, problems);
        CheckScaling(spec, problems);
        CheckRollout(spec, problems);

        // Sizes and numeric ranges from the API types' schema attributes, then everything in the order of the spec's
        // sections (a stable sort keeps the order within each).
        SchemaBounds.Check(spec, "spec", problems);
        return [.. problems.OrderBy(p => Section(p.Path))];
    }

    private static void CheckMetadata(ObjectMeta metadata, List<FieldProblem> problems)
    {
        var name = metadata.Name;
        if (string.IsNullOrEmpty(name))
        {
            problems.Add(new("metadata.name", "is missing; give the ModelDeployment a name"));
        }
        else if (!DnsLabel().IsMatch(name))
        {
            problems.Add(new("metadata.name", $"\"{Shorten(name)}\" is not allowed; use lower-case letters, digits and '-', starting and ending with a letter or digit"));
        }
        else if (name.Length > MaxNameLength)
        {
            problems.Add(new("metadata.name", $"\"{Shorten(name)}\" has {name.Length} characters; at most {MaxNameLength} are allowed, because revision names <name>-<10 hex> must fit 63"));
        }

        problems.AddRange(ActionAnnotation.Read(metadata.Annotations).Problems);
    }

    private static void CheckModel(ModelSource? model, List<FieldProblem> problems)
    {
        if (model is null)
        {
            problems.Add(new("spec.model", "is missing; set name, version, uri and sha256 of the model to serve"));
            return;
        }

        CheckModelName("spec.model.name", model.Name, problems);
        CheckModelName("spec.model.version", model.Version, problems);
        CheckUri("spec.model.uri", model.Uri, problems);
        CheckSha256("spec.model.sha256", model.Sha256, problems);
        if (model.Profile is { } profile)
        {
            CheckUri("spec.model.profile.uri", profile.Uri, problems);
            CheckSha256("spec.model.profile.sha256", profile.Sha256, problems);
        }
    }

    private static void CheckModelName(string path, string? value, List<FieldProblem> problems)
    {
        if (string.IsNullOrEmpty(value))
        {
            problems.Add(new(path, "is missing; use 1-63 characters of letters, digits, '.', '_' and '-'"));
        }
        else if (!ModelName().IsMatch(value))
        {
            problems.Add(new(path, $"\"{Shorten(value)}\" is not allowed; use 1-63 characters of letters, digits, '.', '_' and '-', starting with a letter or digit"));
        }
    }

    private static void CheckSha256(string path, string? value, List<FieldProblem> problems)
    {
        if (string.IsNullOrEmpty(value))
        {
            problems.Add(new(path, "is missing; give the file's sha256 as 64 lowercase hexadecimal characters (sha256sum prints it)"));
        }
        else if (!Sha256().IsMatch(value))
        {
            var hint = value.Length == 64 && Sha256().IsMatch(value.ToLowerInvariant()) ? "use lowercase" : $"it has {value.Length} characters";
            problems.Add(new(path, $"\"{Shorten(value)}\" is not a sha256 digest ({hint}); use 64 lowercase hexadecimal characters"));
        }
    }

    /// <summary>The URI forms the model server can fetch: an absolute path, file://, pvc://CLAIM/PATH, http(s):// and s3://BUCKET/KEY.</summary>
    internal static string? UriProblem(string? uri)
    {
        const string allowed = "use an absolute path, file:///PATH, pvc://CLAIM/PATH, http(s)://HOST/PATH or s3://BUCKET/KEY";
        if (string.IsNullOrEmpty(uri))
        {
            return $"is missing; {allowed}";
        }

        // Problems end up in status conditions and Events: the URI is shown without credentials.
        var shown = ModelOperator.Runtime.Protocol.UriRedaction.Redact(uri);
        if (uri.Any(char.IsWhiteSpace))
        {
            return $"\"{Shorten(shown)}\" contains white space; {allowed}";
        }

        if (uri.StartsWith('/'))
        {
            return uri.Length > 1 && !uri.EndsWith('/') ? null : $"\"{Shorten(shown)}\" names a folder, not a file; {allowed}";
        }

        var match = SchemeAndRest().Match(uri);
        if (!match.Success)
        {
            return $"\"{Shorten(shown)}\" is neither an absolute path nor a URI; {allowed}";
        }

        var scheme = match.Groups[1].Value;
        var rest = match.Groups[2].Value;
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var host = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? "" : rest[(slash + 1)..];
        switch (scheme)
        {
            case "file":
                return host.Length == 0 && path.Length > 0 && !path.EndsWith('/') ? null : $"\"{Shorten(shown)}\" is not a file URI; write file:///absolute/path (three slashes)";
            case "pvc":
                if (!DnsSubdomain().IsMatch(host) || host.Length > 253)
                {
                    return $"\"{Shorten(shown)}\" does not start with a PersistentVolumeClaim name; write pvc://CLAIM/PATH with CLAIM in lower-case letters, digits, '-' and '.'";
                }

                return path.Length > 0 && !path.EndsWith('/') && !path.Split('/').Contains("..")
                    ? null
                    : $"\"{Shorten(shown)}\" has no file path inside the claim (or uses '..'); write pvc://CLAIM/PATH, e.g. pvc://models/churn/1/model.onnx";
            case "http" or "https":
                return host.Length > 0 && Uri.TryCreate(uri, UriKind.Absolute, out _) ? null : $"\"{Shorten(shown)}\" is not a valid {scheme} URL; write {scheme}://HOST/PATH";
            case "s3":
                return host.Length > 0 && path.Length > 0 ? null : $"\"{Shorten(shown)}\" needs a bucket and a key; write s3://BUCKET/KEY";
            default:
                return $"the scheme \"{scheme}\" is not supported; {allowed}";
        }
    }

    private static void CheckUri(string path, string? uri, List<FieldProblem> problems)
    {
        if (UriProblem(uri) is { } problem)
        {
            problems.Add(new(path, problem));
        }
    }

    private static void CheckRuntime(RuntimeSpec? runtime, List<FieldProblem> problems)
    {
        if (runtime is null)
        {
            return;
        }

        if (runtime.Image is { } image && (image.Length == 0 || image.Any(char.IsWhiteSpace)))
        {
            problems.Add(new("spec.runtime.image", $"\"{Shorten(image)}\" is not an image reference; write e.g. registry.example.com/modelserver:1.0, or leave it out for the operator's default"));
        }

        CheckQuantities("spec.runtime.resources.requests", runtime.Resources?.Requests, problems);
        CheckQuantities("spec.runtime.resources.limits", runtime.Resources?.Limits, problems);
        CheckEnv(runtime.Env, problems);
        if (runtime.Batching is { } batching)
        {
            CheckDuration("spec.runtime.batching.maxBatchDelay", batching.MaxBatchDelay, TimeSpan.Zero, TimeSpan.FromSeconds(1), "0 to 1s", problems);
        }

        foreach (var key in runtime.NodeSelector?.Keys ?? [])
        {
            if (key.Length == 0)
            {
                problems.Add(new("spec.runtime.nodeSelector", "has an empty label key; use node label keys such as kubernetes.io/arch"));
            }
        }

        for (var i = 0; i < (runtime.Tolerations?.Count ?? 0); i++)
        {
            CheckToleration($"spec.runtime.tolerations[{i}]", runtime.Tolerations![i], problems);
        }

        CheckPlacement(runtime, problems);
    }

    private static void CheckQuantities(string path, IReadOnlyDictionary<string, string>? quantities, List<FieldProblem> problems)
    {
        if (quantities?.Count > KubernetesTypeSchemas.MaxResources)
        {
            problems.Add(new(path, $"names {quantities.Count} resources; at most {KubernetesTypeSchemas.MaxResources} are allowed"));
        }

        foreach (var (resource, quantity) in quantities ?? new Dictionary<string, string>())
        {
            if (resource.Length is 0 or > KubernetesTypeSchemas.ResourceNameMaxLength)
            {
                problems.Add(new(path, $"has a resource name of {resource.Length} characters; use 1 to {KubernetesTypeSchemas.ResourceNameMaxLength}"));
            }
            else if (quantity.Length > KubernetesTypeSchemas.QuantityMaxLength)
            {
                problems.Add(new($"{path}.{resource}", $"has {quantity.Length} characters; a quantity has at most {KubernetesTypeSchemas.QuantityMaxLength}"));
            }
            else if (!Quantity().IsMatch(quantity))
            {
                problems.Add(new($"{path}.{resource}", $"\"{Shorten(quantity)}\" is not a quantity; write e.g. 500m or 2 for cpu, 256Mi or 1Gi for memory"));
            }
        }
    }

    private static void CheckEnv(IReadOnlyList<EnvVar>? env, List<FieldProblem> problems)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (env?.Count ?? 0); i++)
        {
            var variable = env![i];
            var path = $"spec.runtime.env[{i}]";
            if (variable.Name?.Length > KubernetesTypeSchemas.EnvNameMaxLength)
            {
                problems.Add(new($"{path}.name", $"has {variable.Name.Length} characters; at most {KubernetesTypeSchemas.EnvNameMaxLength} are allowed"));
                continue;
            }

            if (string.IsNullOrEmpty(variable.Name) || !EnvName().IsMatch(variable.Name))
            {
                problems.Add(new($"{path}.name", $"\"{Shorten(variable.Name)}\" is not a variable name; use letters, digits, '_', '-' and '.', not starting with a digit"));
                continue;
            }

            if (variable.Value?.Length > KubernetesTypeSchemas.EnvValueMaxLength)
            {
                problems.Add(new($"{path}.value", $"has {variable.Value.Length} characters; at most {KubernetesTypeSchemas.EnvValueMaxLength} are allowed (use valueFrom with a ConfigMap for more)"));
            }

            if (variable.ValueFrom is { } from && from.GetRawText().Length > KubernetesTypeSchemas.ValueFromMaxLength)
            {
                problems.Add(new($"{path}.valueFrom", $"is {from.GetRawText().Length} characters of JSON; at most {KubernetesTypeSchemas.ValueFromMaxLength} are allowed (one secretKeyRef, configMapKeyRef, fieldRef or resourceFieldRef)"));
            }

            if (!seen.Add(variable.Name))
            {
                problems.Add(new($"{path}.name", $"\"{Shorten(variable.Name)}\" is set twice; each variable may appear once"));
            }

            if (ReservedEnv.Problem(variable.Name) is { } reserved)
            {
                problems.Add(new($"{path}.name", reserved));
            }

            if (variable.Value is not null && variable.ValueFrom is not null)
            {
                problems.Add(new(path, $"{variable.Name} has both value and valueFrom; use one of them"));
            }
        }
    }

    private static void CheckToleration(string path, Toleration toleration, List<FieldProblem> problems)
    {
        if (toleration.Key?.Length > KubernetesTypeSchemas.TolerationKeyMaxLength)
        {
            problems.Add(new($"{path}.key", $"has {toleration.Key.Length} characters; a taint key has at most {KubernetesTypeSchemas.TolerationKeyMaxLength}"));
        }

        if (toleration.Value?.Length > KubernetesTypeSchemas.TolerationValueMaxLength)
        {
            problems.Add(new($"{path}.value", $"has {toleration.Value.Length} characters; a taint value has at most {KubernetesTypeSchemas.TolerationValueMaxLength}"));
        }

        var op = toleration.Operator ?? "";
        if (!TolerationOperators.Contains(op, StringComparer.Ordinal))
        {
            problems.Add(new($"{path}.operator", $"\"{Shorten(op)}\" is not an operator; use Equal or Exists"));
        }

        var effect = toleration.Effect ?? "";
        if (!TolerationEffects.Contains(effect, StringComparer.Ordinal))
        {
            problems.Add(new($"{path}.effect", $"\"{Shorten(effect)}\" is not a taint effect; use NoSchedule, PreferNoSchedule, NoExecute or leave it empty for all"));
        }

        if (op == "Exists" && !string.IsNullOrEmpty(toleration.Value))
        {
            problems.Add(new($"{path}.value", "must be empty when operator is Exists (it matches any value)"));
        }

        if (string.IsNullOrEmpty(toleration.Key) && op != "Exists")
        {
            problems.Add(new($"{path}.key", "is empty, which only operator Exists allows (tolerate every taint); set a key or use Exists"));
        }

        if (toleration.TolerationSeconds is not null && effect != "NoExecute")
        {
            problems.Add(new($"{path}.tolerationSeconds", "only applies to effect NoExecute; remove it or set effect: NoExecute"));
        }
    }

    private static void CheckScaling(ModelDeploymentSpec spec, List<FieldProblem> problems)
    {
        if (spec.Replicas is null == spec.Autoscaling is null)
        {
            problems.Add(new("spec", spec.Replicas is null
                ? "sets neither replicas nor autoscaling; set exactly one: replicas for a fixed count, autoscaling for a range"
                : "sets both replicas and autoscaling; set exactly one: replicas for a fixed count, autoscaling for a range"));
        }

        if (spec.Autoscaling is not { } autoscaling)
        {
            return;
        }

        // The range of each is checked from its [Range] (SchemaBounds); here only what a range cannot say.
        var min = autoscaling.MinReplicas ?? ModelDeploymentDefaults.MinReplicas;
        if (autoscaling.MaxReplicas is not { } max)
        {
            problems.Add(new("spec.autoscaling.maxReplicas", $"is missing; set the most pods autoscaling may run ({SchemaBounds.Allowed(typeof(AutoscalingSpec), nameof(AutoscalingSpec.MaxReplicas))})"));
        }
        else if (min > max && SchemaBounds.Allows(typeof(AutoscalingSpec), nameof(AutoscalingSpec.MinReplicas), min)
            && SchemaBounds.Allows(typeof(AutoscalingSpec), nameof(AutoscalingSpec.MaxReplicas), max))
        {
            problems.Add(new("spec.autoscaling.minReplicas", $"{min} is more than maxReplicas {max}; minReplicas must be less than or equal to maxReplicas"));
        }

        if (autoscaling.TargetInFlightPerPod is null && autoscaling.TargetP95Latency is null)
        {
            problems.Add(new("spec.autoscaling", "has no target; set targetInFlightPerPod, targetP95Latency or both"));
        }

        CheckDuration("spec.autoscaling.targetP95Latency", autoscaling.TargetP95Latency, TimeSpan.FromTicks(1), TimeSpan.FromMinutes(10), "more than 0 and at most 10m", problems);
        CheckDuration("spec.autoscaling.scaleDownStabilization", autoscaling.ScaleDownStabilization, TimeSpan.Zero, TimeSpan.FromHours(1), "0 to 1h", problems);
    }

    private static void CheckRollout(ModelDeploymentSpec spec, List<FieldProblem> problems)
    {
        if (spec.Rollout is not { } rollout)
        {
            return;
        }

        var steps = rollout.Steps ?? []; // their number is bounded by SchemaBounds

        var lastWeight = (Step: -1, Weight: 0);
        var hasAnalysisStep = false;
        var hasShadowStep = false;
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            var path = $"spec.rollout.steps[{i}]";
            var set = (step.SetWeight is null ? 0 : 1) + (step.Pause is null ? 0 : 1) + (step.Analysis is null ? 0 : 1) + (step.Shadow is null ? 0 : 1);
            if (set != 1)
            {
                problems.Add(new(path, $"sets {(set == 0 ? "none" : set.ToString(CultureInfo.InvariantCulture))} of setWeight, pause, analysis and shadow; each step sets exactly one"));
            }

            if (step.SetWeight is { } weight)
            {
                if (!SchemaBounds.Allows(typeof(RolloutStep), nameof(RolloutStep.SetWeight), weight))
                {
                    // out of range: SchemaBounds reported it from the [Range] of RolloutStep.SetWeight
                }
                else if (weight < lastWeight.Weight)
                {
                    problems.Add(new($"{path}.setWeight", $"{weight} is less than {lastWeight.Weight} set by step {lastWeight.Step}; weights may only stay or rise (use the abort action to go back)"));
                }
                else
                {
                    lastWeight = (i, weight);
                }
            }

            if (step.Pause is { } pause)
            {
                CheckDuration($"{path}.pause.duration", pause.Duration, TimeSpan.Zero, TimeSpan.MaxValue, "0 or more", problems);
            }

            if (step.Shadow is { } shadow)
            {
                CheckShadowStep(path, shadow, lastWeight, problems);
            }

            hasAnalysisStep |= step.Analysis is not null;
            hasShadowStep |= step.Shadow is not null;
        }

        CheckAnalysis(spec, rollout.Analysis, hasAnalysisStep, problems);
        CheckShadowAnalysis(rollout.Analysis, hasShadowStep, problems);
        CheckWebhooks(rollout.Webhooks, problems);
        CheckDuration("spec.rollout.progressDeadline", rollout.ProgressDeadline, TimeSpan.FromSeconds(1), TimeSpan.MaxValue, "at least 1s", problems);
        CheckDuration("spec.rollout.bakeTime", rollout.BakeTime, TimeSpan.Zero, TimeSpan.MaxValue, "0s (no bake) or more", problems);

        if (rollout.TrafficRouting is { } routing)
        {
            if (routing.Replicas is null == routing.GatewayApi is null)
            {
                problems.Add(new("spec.rollout.trafficRouting", $"sets {(routing.Replicas is null ? "neither" : "both")} replicas and gatewayAPI; set exactly one"));
            }

            if (routing.GatewayApi is { } gateway && (string.IsNullOrEmpty(gateway.HttpRoute) || gateway.HttpRoute.Length > 253 || !DnsSubdomain().IsMatch(gateway.HttpRoute)))
            {
                problems.Add(new("spec.rollout.trafficRouting.gatewayAPI.httpRoute", $"\"{Shorten(gateway.HttpRoute)}\" is not an HTTPRoute name; name an HTTPRoute in the same namespace (lower-case letters, digits, '-' and '.')"));
            }
        }
    }

    private static void CheckAnalysis(ModelDeploymentSpec spec, AnalysisSpec? analysis, bool hasAnalysisStep, List<FieldProblem> problems)
    {
        const string path = "spec.rollout.analysis";
        if (analysis is null)
        {
            if (hasAnalysisStep)
            {
                problems.Add(new(path, "is missing but the steps include analysis; set the thresholds to check (e.g. maxErrorRate, maxP99Latency)"));
            }

            return;
        }

        var thresholds = new object?[]
        {
            analysis.MaxErrorRate, analysis.MaxP99Latency, analysis.MaxPredictionDrift, analysis.MaxFeatureDrift,
            analysis.MaxUnseenCategoryShare, analysis.MaxNonFiniteShare, analysis.MaxOutOfRangeShare, analysis.MaxShadowDisagreement,
        };
        if (thresholds.All(t => t is null) && analysis.Metrics is not { Count: > 0 })
        {
            problems.Add(new(path, "has no threshold; set at least one of maxErrorRate, maxP99Latency, maxPredictionDrift, maxFeatureDrift, maxUnseenCategoryShare, maxNonFiniteShare, maxOutOfRangeShare, maxShadowDisagreement or metrics"));
        }

        CheckMetrics(analysis.Metrics, problems);

        CheckDuration($"{path}.interval", analysis.Interval, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1), "1s to 1h", problems);
        CheckDuration($"{path}.maxP99Latency", analysis.MaxP99Latency, TimeSpan.FromTicks(1), TimeSpan.FromMinutes(10), "more than 0 and at most 10m", problems);
        if (analysis.MaxFeatureDrift is not null && spec.Model?.Profile is null)
        {
            problems.Add(new($"{path}.maxFeatureDrift", "compares live features with the reference profile, but spec.model.profile is not set; set it (uri and sha256) or remove maxFeatureDrift"));
        }

        CheckDataQualityNeedsProfile(spec, analysis, path, problems);

        if (analysis.Provider is { } provider)
        {
            if (provider.Prometheus is null == provider.Direct is null)
            {
                problems.Add(new($"{path}.provider", $"sets {(provider.Direct is null ? "neither" : "both")} prometheus and direct; set exactly one"));
            }

            if (provider.Prometheus is { } prometheus
                && !(Uri.TryCreate(prometheus.Address, UriKind.Absolute, out var address) && address.Scheme is "http" or "https" && address.Host.Length > 0))
            {
                problems.Add(new($"{path}.provider.prometheus.address", $"\"{Shorten(prometheus.Address)}\" is not an http:// or https:// URL; write e.g. http://prometheus.monitoring:9090"));
            }
        }
    }

    private static void CheckDuration(string path, string? value, TimeSpan min, TimeSpan max, string range, List<FieldProblem> problems)
    {
        if (value is null)
        {
            return;
        }

        if (!GoDuration.TryParse(value, out var duration))
        {
            problems.Add(new(path, $"\"{Shorten(value)}\" is not a duration; write {GoDuration.Allowed}"));
        }
        else if (duration < min || duration > max)
        {
            problems.Add(new(path, $"{value} is out of range; use {range}"));
        }
    }

    /// <summary>A value quoted in a message, cut short: problems end up in conditions and Events.</summary>
    /// <summary>The rank of a problem's section in <see cref="Validate"/>'s order: metadata, model, runtime, scaling, rollout.</summary>
    private static int Section(string path) =>
        path.StartsWith("metadata", StringComparison.Ordinal) ? 0
        : path.StartsWith("spec.model", StringComparison.Ordinal) ? 1
        : path.StartsWith("spec.runtime", StringComparison.Ordinal) ? 2
        : path.StartsWith("spec.rollout", StringComparison.Ordinal) ? 4
        : 3;

    private static string Shorten(string? value) => value is null || value.Length <= 100 ? value ?? string.Empty : value[..100] + "…";

    private static string Show(double value) => value.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex DnsLabel();

    [GeneratedRegex(GatewayApiRouting.DnsSubdomainPattern, RegexOptions.CultureInvariant)]
    private static partial Regex DnsSubdomain();

    [GeneratedRegex(ModelSource.NamePattern, RegexOptions.CultureInvariant)]
    private static partial Regex ModelName();

    [GeneratedRegex(ModelSource.Sha256Pattern, RegexOptions.CultureInvariant)]
    private static partial Regex Sha256();

    [GeneratedRegex(KubernetesTypeSchemas.QuantityPattern, RegexOptions.CultureInvariant)]
    private static partial Regex Quantity();

    [GeneratedRegex("^[-._a-zA-Z][-._a-zA-Z0-9]*$", RegexOptions.CultureInvariant)]
    private static partial Regex EnvName();

    [GeneratedRegex("^([a-zA-Z][a-zA-Z0-9+.-]*)://(.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex SchemeAndRest();
}
