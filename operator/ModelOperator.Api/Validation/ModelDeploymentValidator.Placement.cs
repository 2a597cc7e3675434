using System.Text.Json;
using System.Text.RegularExpressions;
using ModelOperator.Api.Schema;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Api.Validation;

/// <summary>
/// The placement and shaping fields of <c>spec.runtime</c>: the service account, image pull Secrets, pod labels and
/// annotations, envFrom, affinity, topology spread and the disruption budget. The rules are the API server's own for a
/// Pod (so the operator never writes a Deployment the server refuses) plus the operator's: its labels and annotations
/// stay its own, envFrom cannot set reserved variables, and the rule sets stay small enough to record per revision.
/// </summary>
public static partial class ModelDeploymentValidator
{
    private static readonly string[] SelectorOperators = ["In", "NotIn", "Exists", "DoesNotExist"];
    private static readonly string[] NodeSelectorOperators = ["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"];
    private static readonly string[] WhenUnsatisfiable = ["DoNotSchedule", "ScheduleAnyway"];
    private static readonly string[] InclusionPolicies = ["Honor", "Ignore"];

    private static void CheckPlacement(RuntimeSpec runtime, List<FieldProblem> problems)
    {
        CheckObjectName("spec.runtime.serviceAccountName", runtime.ServiceAccountName, "a ServiceAccount", problems);
        CheckObjectName("spec.runtime.priorityClassName", runtime.PriorityClassName, "a PriorityClass", problems);
        var pullSecrets = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (runtime.ImagePullSecrets?.Count ?? 0); i++)
        {
            var name = runtime.ImagePullSecrets![i].Name;
            CheckObjectName($"spec.runtime.imagePullSecrets[{i}].name", name ?? "", "a Secret", problems);
            if (!string.IsNullOrEmpty(name) && !pullSecrets.Add(name))
            {
                problems.Add(new($"spec.runtime.imagePullSecrets[{i}].name", $"\"{Shorten(name)}\" is listed twice; name each Secret once"));
            }
        }

        CheckPodMetadata(runtime, problems);
        CheckEnvFrom(runtime.EnvFrom, problems);
        CheckAffinity(runtime.Affinity, problems);
        CheckSpread(runtime.TopologySpreadConstraints, problems);
        CheckDisruptionBudget(runtime.DisruptionBudget, problems);
    }

    private static void CheckObjectName(string path, string? name, string what, List<FieldProblem> problems)
    {
        if (name is not null && (name.Length is 0 or > 253 || !DnsSubdomain().IsMatch(name)))
        {
            problems.Add(new(path, $"\"{Shorten(name)}\" is not the name of {what}; use lower-case letters, digits, '-' and '.', at most 253 characters"));
        }
    }

    private static void CheckPodMetadata(RuntimeSpec runtime, List<FieldProblem> problems)
    {
        foreach (var (key, value) in runtime.Labels ?? new Dictionary<string, string>())
        {
            var path = $"spec.runtime.labels[{Shorten(key)}]";
            if (QualifiedNameProblem(key) is { } problem)
            {
                problems.Add(new(path, problem));
            }
            else if (PodMetadata.IsReservedLabel(key))
            {
                problems.Add(new(path, $"is the operator's own label, which it sets on every serving pod; reserved are {PodMetadata.ReservedLabelsDescription}"));
            }

            if (value is null || (value.Length <= 63 && !LabelValue().IsMatch(value))) // a longer one is SchemaBounds' problem
            {
                problems.Add(new(path, $"\"{Shorten(value)}\" is not a label value; use at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit (or empty)"));
            }
        }

        foreach (var key in runtime.Annotations?.Keys ?? [])
        {
            var path = $"spec.runtime.annotations[{Shorten(key)}]";
            if (QualifiedNameProblem(key) is { } problem)
            {
                problems.Add(new(path, problem));
            }
            else if (PodMetadata.IsReservedAnnotation(key))
            {
                problems.Add(new(path, $"is the operator's own annotation, which it sets on every serving pod; reserved are {PodMetadata.ReservedAnnotationsDescription}"));
            }
        }
    }

    /// <summary>Why a label or annotation key is not a Kubernetes qualified name (optional DNS prefix, '/', a 63-character name), or null.</summary>
    private static string? QualifiedNameProblem(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var prefix = slash < 0 ? null : key[..slash];
        var name = slash < 0 ? key : key[(slash + 1)..];
        var prefixOk = prefix is null || (prefix.Length is > 0 and <= 253 && DnsSubdomain().IsMatch(prefix));
        return prefixOk && name.Length is > 0 and <= 63 && QualifiedName().IsMatch(name)
            ? null
            : $"\"{Shorten(key)}\" is not a valid key; use an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit (e.g. team.example.com/cost-center)";
    }

    private static void CheckEnvFrom(IReadOnlyList<EnvFromSource>? envFrom, List<FieldProblem> problems)
    {
        for (var i = 0; i < (envFrom?.Count ?? 0); i++)
        {
            var source = envFrom![i];
            var path = $"spec.runtime.envFrom[{i}]";
            if (ReservedEnv.PrefixProblem(source.Prefix) is { } prefix)
            {
                problems.Add(new($"{path}.prefix", prefix));
            }

            if (source.ConfigMapRef is null == source.SecretRef is null)
            {
                problems.Add(new(path, $"sets {(source.SecretRef is null ? "neither" : "both")} configMapRef and secretRef; set exactly one"));
            }

            CheckObjectName($"{path}.configMapRef.name", source.ConfigMapRef?.Name, "a ConfigMap", problems);
            CheckObjectName($"{path}.secretRef.name", source.SecretRef?.Name, "a Secret", problems);
        }
    }

    private static void CheckAffinity(Affinity? affinity, List<FieldProblem> problems)
    {
        const string path = "spec.runtime.affinity";
        if (affinity is null)
        {
            return;
        }

        var length = JsonSerializer.Serialize(affinity, ModelDeploymentJsonContext.Default.Affinity).Length;
        if (length > KubernetesTypeSchemas.PlacementMaxJsonLength)
        {
            problems.Add(new(path, $"is {length} characters of JSON; at most {KubernetesTypeSchemas.PlacementMaxJsonLength} are allowed (the operator records each revision's runtime)"));
            return;
        }

        if (affinity.NodeAffinity is { } node)
        {
            var terms = node.RequiredDuringSchedulingIgnoredDuringExecution?.NodeSelectorTerms;
            if (node.RequiredDuringSchedulingIgnoredDuringExecution is not null && terms is not { Count: > 0 })
            {
                problems.Add(new($"{path}.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms", "is empty; give at least one term (a node matching any term qualifies)"));
            }

            for (var i = 0; i < (terms?.Count ?? 0); i++)
            {
                CheckNodeTerm($"{path}.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[{i}]", terms![i], problems);
            }

            var preferred = node.PreferredDuringSchedulingIgnoredDuringExecution ?? [];
            for (var i = 0; i < preferred.Count; i++)
            {
                var at = $"{path}.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[{i}]";
                CheckWeight($"{at}.weight", preferred[i].Weight, problems);
                CheckNodeTerm($"{at}.preference", preferred[i].Preference, problems);
            }
        }

        CheckPodAffinity($"{path}.podAffinity", affinity.PodAffinity, problems);
        CheckPodAffinity($"{path}.podAntiAffinity", affinity.PodAntiAffinity, problems);
    }

    private static void CheckNodeTerm(string path, NodeSelectorTerm? term, List<FieldProblem> problems)
    {
        var expressions = term?.MatchExpressions ?? [];
        for (var i = 0; i < expressions.Count; i++)
        {
            CheckRequirement($"{path}.matchExpressions[{i}]", expressions[i].Key, expressions[i].Operator, expressions[i].Values, NodeSelectorOperators, problems);
        }

        var fields = term?.MatchFields ?? [];
        for (var i = 0; i < fields.Count; i++)
        {
            CheckRequirement($"{path}.matchFields[{i}]", fields[i].Key, fields[i].Operator, fields[i].Values, NodeSelectorOperators, problems);
        }
    }

    private static void CheckPodAffinity(string path, PodAffinity? affinity, List<FieldProblem> problems)
    {
        var required = affinity?.RequiredDuringSchedulingIgnoredDuringExecution ?? [];
        for (var i = 0; i < required.Count; i++)
        {
            CheckPodTerm($"{path}.requiredDuringSchedulingIgnoredDuringExecution[{i}]", required[i], problems);
        }

        var preferred = affinity?.PreferredDuringSchedulingIgnoredDuringExecution ?? [];
        for (var i = 0; i < preferred.Count; i++)
        {
            var at = $"{path}.preferredDuringSchedulingIgnoredDuringExecution[{i}]";
            CheckWeight($"{at}.weight", preferred[i].Weight, problems);
            CheckPodTerm($"{at}.podAffinityTerm", preferred[i].PodAffinityTerm, problems);
        }
    }

    private static void CheckPodTerm(string path, PodAffinityTerm? term, List<FieldProblem> problems)
    {
        if (string.IsNullOrEmpty(term?.TopologyKey))
        {
            problems.Add(new($"{path}.topologyKey", "is empty; name the node label that makes a domain, e.g. kubernetes.io/hostname or topology.kubernetes.io/zone"));
        }

        CheckSelector($"{path}.labelSelector", term?.LabelSelector, problems);
        CheckSelector($"{path}.namespaceSelector", term?.NamespaceSelector, problems);
    }

    private static void CheckSelector(string path, LabelSelector? selector, List<FieldProblem> problems)
    {
        var expressions = selector?.MatchExpressions ?? [];
        for (var i = 0; i < expressions.Count; i++)
        {
            CheckRequirement($"{path}.matchExpressions[{i}]", expressions[i].Key, expressions[i].Operator, expressions[i].Values, SelectorOperators, problems);
        }
    }

    /// <summary>One selector requirement: a known operator, and values as that operator needs them.</summary>
    private static void CheckRequirement(string path, string? key, string? op, IReadOnlyList<string>? values, string[] operators, List<FieldProblem> problems)
    {
        if (string.IsNullOrEmpty(key))
        {
            problems.Add(new($"{path}.key", "is empty; name a label key"));
        }

        var count = values?.Count ?? 0;
        switch (op)
        {
            case "In" or "NotIn" when count == 0:
                problems.Add(new($"{path}.values", $"is empty, but operator {op} compares with values; give at least one"));
                break;
            case "Exists" or "DoesNotExist" when count > 0:
                problems.Add(new($"{path}.values", $"must be empty with operator {op}"));
                break;
            case "Gt" or "Lt" when count != 1 || !long.TryParse(values![0], System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _):
                problems.Add(new($"{path}.values", $"must be one integer with operator {op}"));
                break;
            case var known when known is not null && operators.Contains(known, StringComparer.Ordinal):
                break;
            default:
                problems.Add(new($"{path}.operator", $"\"{Shorten(op)}\" is not an operator; use {string.Join(", ", operators)}"));
                break;
        }
    }

    private static void CheckWeight(string path, int weight, List<FieldProblem> problems)
    {
        if (weight is < 1 or > 100)
        {
            problems.Add(new(path, $"{weight} is out of range; use 1 to 100"));
        }
    }

    private static void CheckSpread(IReadOnlyList<TopologySpreadConstraint>? constraints, List<FieldProblem> problems)
    {
        if (constraints is null)
        {
            return;
        }

        var length = JsonSerializer.Serialize(constraints, ModelDeploymentJsonContext.Default.IReadOnlyListTopologySpreadConstraint).Length;
        if (length > KubernetesTypeSchemas.PlacementMaxJsonLength)
        {
            problems.Add(new("spec.runtime.topologySpreadConstraints", $"is {length} characters of JSON; at most {KubernetesTypeSchemas.PlacementMaxJsonLength} are allowed (the operator records each revision's runtime)"));
            return;
        }

        var seen = new HashSet<(string?, string?)>();
        for (var i = 0; i < constraints.Count; i++)
        {
            var constraint = constraints[i];
            var path = $"spec.runtime.topologySpreadConstraints[{i}]";
            if (constraint.MaxSkew < 1)
            {
                problems.Add(new($"{path}.maxSkew", $"{constraint.MaxSkew} is out of range; use 1 or more"));
            }

            if (string.IsNullOrEmpty(constraint.TopologyKey))
            {
                problems.Add(new($"{path}.topologyKey", "is empty; name the node label that makes a domain, e.g. kubernetes.io/hostname or topology.kubernetes.io/zone"));
            }

            if (!WhenUnsatisfiable.Contains(constraint.WhenUnsatisfiable ?? "", StringComparer.Ordinal))
            {
                problems.Add(new($"{path}.whenUnsatisfiable", $"\"{Shorten(constraint.WhenUnsatisfiable)}\" is not allowed; use DoNotSchedule or ScheduleAnyway"));
            }
            else if (!seen.Add((constraint.TopologyKey, constraint.WhenUnsatisfiable)))
            {
                problems.Add(new(path, $"repeats topologyKey {Shorten(constraint.TopologyKey)} with whenUnsatisfiable {constraint.WhenUnsatisfiable}; each pair may appear once"));
            }

            if (constraint.MinDomains is { } minDomains && (minDomains < 1 || constraint.WhenUnsatisfiable != "DoNotSchedule"))
            {
                problems.Add(new($"{path}.minDomains", minDomains < 1 ? $"{minDomains} is out of range; use 1 or more" : "only applies with whenUnsatisfiable DoNotSchedule; remove it or change whenUnsatisfiable"));
            }

            foreach (var (name, policy) in new[] { ("nodeAffinityPolicy", constraint.NodeAffinityPolicy), ("nodeTaintsPolicy", constraint.NodeTaintsPolicy) })
            {
                if (policy is not null && !InclusionPolicies.Contains(policy, StringComparer.Ordinal))
                {
                    problems.Add(new($"{path}.{name}", $"\"{Shorten(policy)}\" is not allowed; use Honor or Ignore"));
                }
            }

            CheckSelector($"{path}.labelSelector", constraint.LabelSelector, problems);
        }
    }

    private static void CheckDisruptionBudget(DisruptionBudgetSpec? budget, List<FieldProblem> problems)
    {
        const string path = "spec.runtime.disruptionBudget";
        if (budget is null)
        {
            return;
        }

        if (budget.MaxUnavailable is null == budget.MinAvailable is null)
        {
            problems.Add(new(path, $"sets {(budget.MaxUnavailable is null ? "neither" : "both")} maxUnavailable and minAvailable; set exactly one"));
        }

        foreach (var (name, value) in new[] { ("maxUnavailable", budget.MaxUnavailable), ("minAvailable", budget.MinAvailable) })
        {
            if (value is { IntValue: < 0 } || (value?.StringValue is { } text && !Percent().IsMatch(text)))
            {
                problems.Add(new($"{path}.{name}", $"\"{Shorten(value?.ToString())}\" is not allowed; use a pod count of 0 or more, or a percentage from 0% to 100% (e.g. \"25%\")"));
            }
        }
    }

    [GeneratedRegex("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$", RegexOptions.CultureInvariant)]
    private static partial Regex QualifiedName();

    [GeneratedRegex("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex LabelValue();

    [GeneratedRegex(DisruptionBudgetSpec.PercentPattern, RegexOptions.CultureInvariant)]
    private static partial Regex Percent();
}
