using ModelOperator.Api.Validation;
using ModelOperator.Kubernetes.Models;
using static ModelOperator.Api.Tests.Validation.ModelDeploymentValidatorTests;

namespace ModelOperator.Api.Tests.Validation;

/// <summary>The placement and shaping fields of spec.runtime: each mistake named on its field with what is allowed.</summary>
public sealed class PlacementValidatorTests
{
    private static readonly LabelSelector Selector = new() { MatchLabels = new Dictionary<string, string> { ["app"] = "cache" } };

    private static readonly Dictionary<string, (Func<ModelDeployment, ModelDeployment> Change, string Path, string Says)> Cases = new()
    {
        ["service account upper case"] = (md => Shape(md, r => r with { ServiceAccountName = "Models" }), "spec.runtime.serviceAccountName", "not the name of a ServiceAccount"),
        ["priority class with a space"] = (md => Shape(md, r => r with { PriorityClassName = "high prio" }), "spec.runtime.priorityClassName", "not the name of a PriorityClass"),
        ["pull secret without name"] = (md => Shape(md, r => r with { ImagePullSecrets = [new() { Name = "" }] }), "spec.runtime.imagePullSecrets[0].name", "not the name of a Secret"),
        ["pull secret twice"] = (md => Shape(md, r => r with { ImagePullSecrets = [new() { Name = "regcred" }, new() { Name = "regcred" }] }), "spec.runtime.imagePullSecrets[1].name", "listed twice"),
        ["label sets the revision"] = (md => Shape(md, r => r with { Labels = Map(Labels.Revision, "x") }), "spec.runtime.labels[modeloperator.io/revision]", "the operator's own label"),
        ["label sets managed-by"] = (md => Shape(md, r => r with { Labels = Map(Labels.ManagedBy, "helm") }), "spec.runtime.labels[app.kubernetes.io/managed-by]", "reserved are app.kubernetes.io/managed-by and every key under modeloperator.io/"),
        ["label key with a space"] = (md => Shape(md, r => r with { Labels = Map("cost center", "x") }), "spec.runtime.labels[cost center]", "not a valid key"),
        ["label value too long"] = (md => Shape(md, r => r with { Labels = Map("team", new string('v', 64)) }), "spec.runtime.labels[team]", "at most 63 are allowed"),
        ["label value with a slash"] = (md => Shape(md, r => r with { Labels = Map("team", "a/b") }), "spec.runtime.labels[team]", "not a label value"),
        ["annotation sets prometheus port"] = (md => Shape(md, r => r with { Annotations = Map("prometheus.io/port", "9999") }), "spec.runtime.annotations[prometheus.io/port]", "the operator's own annotation"),
        ["annotation under the operator's prefix"] = (md => Shape(md, r => r with { Annotations = Map("modeloperator.io/action", "promote") }), "spec.runtime.annotations[modeloperator.io/action]", "the operator's own annotation"),
        ["annotation key with two slashes"] = (md => Shape(md, r => r with { Annotations = Map("a/b/c", "x") }), "spec.runtime.annotations[a/b/c]", "not a valid key"),
        ["envFrom without prefix"] = (md => Shape(md, r => r with { EnvFrom = [new() { ConfigMapRef = new() { Name = "settings" } }] }), "spec.runtime.envFrom[0].prefix", "has no prefix; set one such as APP_"),
        ["envFrom prefix of the loader"] = (md => Shape(md, r => r with { EnvFrom = [new() { Prefix = "LD_", SecretRef = new() { Name = "s" } }] }), "spec.runtime.envFrom[0].prefix", "LD_ begins reserved variable names"),
        ["envFrom prefix of the runtime in lower case"] = (md => Shape(md, r => r with { EnvFrom = [new() { Prefix = "dotnet_", SecretRef = new() { Name = "s" } }] }), "spec.runtime.envFrom[0].prefix", "begins reserved variable names"),
        ["envFrom prefix of the model settings"] = (md => Shape(md, r => r with { EnvFrom = [new() { Prefix = "MODEL_", SecretRef = new() { Name = "s" } }] }), "spec.runtime.envFrom[0].prefix", "begins reserved variable names"),
        ["envFrom prefix without underscore"] = (md => Shape(md, r => r with { EnvFrom = [new() { Prefix = "L", SecretRef = new() { Name = "s" } }] }), "spec.runtime.envFrom[0].prefix", "one word of letters and digits ending in '_'"),
        ["envFrom both sources"] = (md => Shape(md, r => r with { EnvFrom = [new() { Prefix = "APP_", SecretRef = new() { Name = "s" }, ConfigMapRef = new() { Name = "c" } }] }), "spec.runtime.envFrom[0]", "sets both configMapRef and secretRef"),
        ["envFrom no source"] = (md => Shape(md, r => r with { EnvFrom = [new() { Prefix = "APP_" }] }), "spec.runtime.envFrom[0]", "sets neither"),
        ["node affinity without terms"] = (md => Affinity(md, new() { NodeAffinity = new() { RequiredDuringSchedulingIgnoredDuringExecution = new() { NodeSelectorTerms = [] } } }), "spec.runtime.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms", "give at least one term"),
        ["node affinity In without values"] = (md => Affinity(md, NodeTerm(new() { Key = "zone", Operator = "In" })), "spec.runtime.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values", "operator In compares with values"),
        ["node affinity Gt with a word"] = (md => Affinity(md, NodeTerm(new() { Key = "gpus", Operator = "Gt", Values = ["many"] })), "spec.runtime.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values", "one integer with operator Gt"),
        ["node affinity unknown operator"] = (md => Affinity(md, NodeTerm(new() { Key = "zone", Operator = "Near" })), "spec.runtime.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator", "use In, NotIn, Exists, DoesNotExist, Gt, Lt"),
        ["preferred weight 0"] = (md => Affinity(md, new() { NodeAffinity = new() { PreferredDuringSchedulingIgnoredDuringExecution = [new() { Weight = 0, Preference = new() }] } }), "spec.runtime.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight", "use 1 to 100"),
        ["pod anti-affinity without topology key"] = (md => Affinity(md, new() { PodAntiAffinity = new() { RequiredDuringSchedulingIgnoredDuringExecution = [new() { TopologyKey = "", LabelSelector = Selector }] } }), "spec.runtime.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey", "is empty"),
        ["pod affinity Exists with values"] = (md => Affinity(md, new() { PodAffinity = new() { PreferredDuringSchedulingIgnoredDuringExecution = [new() { Weight = 10, PodAffinityTerm = new() { TopologyKey = "zone", LabelSelector = new() { MatchExpressions = [new() { Key = "app", Operator = "Exists", Values = ["x"] }] } } }] } }), "spec.runtime.affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.labelSelector.matchExpressions[0].values", "must be empty with operator Exists"),
        ["affinity too large"] = (md => Affinity(md, NodeTerm(new() { Key = "zone", Operator = "In", Values = [.. Enumerable.Range(0, 2000).Select(i => $"zone-{i}")] })), "spec.runtime.affinity", "at most 8192 are allowed"),
        ["spread skew 0"] = (md => Spread(md, new() { MaxSkew = 0, TopologyKey = "zone", WhenUnsatisfiable = "DoNotSchedule" }), "spec.runtime.topologySpreadConstraints[0].maxSkew", "use 1 or more"),
        ["spread without key"] = (md => Spread(md, new() { MaxSkew = 1, TopologyKey = "", WhenUnsatisfiable = "DoNotSchedule" }), "spec.runtime.topologySpreadConstraints[0].topologyKey", "is empty"),
        ["spread unknown action"] = (md => Spread(md, new() { MaxSkew = 1, TopologyKey = "zone", WhenUnsatisfiable = "Wait" }), "spec.runtime.topologySpreadConstraints[0].whenUnsatisfiable", "use DoNotSchedule or ScheduleAnyway"),
        ["spread minDomains when soft"] = (md => Spread(md, new() { MaxSkew = 1, TopologyKey = "zone", WhenUnsatisfiable = "ScheduleAnyway", MinDomains = 3 }), "spec.runtime.topologySpreadConstraints[0].minDomains", "only applies with whenUnsatisfiable DoNotSchedule"),
        ["spread unknown policy"] = (md => Spread(md, new() { MaxSkew = 1, TopologyKey = "zone", WhenUnsatisfiable = "DoNotSchedule", NodeTaintsPolicy = "Maybe" }), "spec.runtime.topologySpreadConstraints[0].nodeTaintsPolicy", "use Honor or Ignore"),
        ["spread repeated"] = (md => Shape(md, r => r with { TopologySpreadConstraints = [new() { MaxSkew = 1, TopologyKey = "zone", WhenUnsatisfiable = "DoNotSchedule" }, new() { MaxSkew = 2, TopologyKey = "zone", WhenUnsatisfiable = "DoNotSchedule" }] }), "spec.runtime.topologySpreadConstraints[1]", "each pair may appear once"),
        ["budget with both"] = (md => Budget(md, new() { MaxUnavailable = 1, MinAvailable = 1 }), "spec.runtime.disruptionBudget", "sets both maxUnavailable and minAvailable; set exactly one"),
        ["budget with neither"] = (md => Budget(md, new()), "spec.runtime.disruptionBudget", "sets neither"),
        ["budget negative"] = (md => Budget(md, new() { MaxUnavailable = -1 }), "spec.runtime.disruptionBudget.maxUnavailable", "a pod count of 0 or more, or a percentage from 0% to 100%"),
        ["budget percent over 100"] = (md => Budget(md, new() { MinAvailable = "150%" }), "spec.runtime.disruptionBudget.minAvailable", "\"150%\" is not allowed"),
        ["budget word"] = (md => Budget(md, new() { MinAvailable = "half" }), "spec.runtime.disruptionBudget.minAvailable", "\"half\" is not allowed"),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Each_mistake_is_reported_on_its_field_with_what_is_allowed(string name)
    {
        var (change, path, says) = Cases[name];

        AssertReportedOnce(change(Valid), path, says);
    }

    [Fact]
    public void Every_new_field_set_as_a_platform_team_would_is_valid()
    {
        var md = Shape(Valid, r => r with
        {
            ServiceAccountName = "model-reader",
            ImagePullSecrets = [new() { Name = "regcred" }],
            NodeSelector = Map("kubernetes.io/arch", "amd64"),
            Tolerations = [new() { Key = "dedicated", Operator = "Equal", Value = "ml", Effect = "NoSchedule" }],
            Affinity = new()
            {
                NodeAffinity = new()
                {
                    RequiredDuringSchedulingIgnoredDuringExecution = new() { NodeSelectorTerms = [new() { MatchExpressions = [new() { Key = "gpus", Operator = "Lt", Values = ["1"] }, new() { Key = "zone", Operator = "In", Values = ["a", "b"] }] }] },
                    PreferredDuringSchedulingIgnoredDuringExecution = [new() { Weight = 100, Preference = new() { MatchExpressions = [new() { Key = "ssd", Operator = "Exists" }] } }],
                },
                PodAntiAffinity = new() { PreferredDuringSchedulingIgnoredDuringExecution = [new() { Weight = 50, PodAffinityTerm = new() { TopologyKey = "kubernetes.io/hostname", LabelSelector = Selector } }] },
            },
            TopologySpreadConstraints = [new() { MaxSkew = 1, TopologyKey = "topology.kubernetes.io/zone", WhenUnsatisfiable = "DoNotSchedule", MinDomains = 2, NodeAffinityPolicy = "Honor" }],
            PriorityClassName = "inference-high",
            Labels = Map("team.example.com/cost-center", "ml-42"),
            Annotations = Map("sidecar.istio.io/inject", "false"),
            Env = [new() { Name = "API_TOKEN", ValueFrom = System.Text.Json.JsonDocument.Parse("""{"secretKeyRef":{"name":"tokens","key":"api"}}""").RootElement }],
            EnvFrom = [new() { Prefix = "APP_", ConfigMapRef = new() { Name = "settings" } }, new() { Prefix = "Secret1_", SecretRef = new() { Name = "keys", Optional = true } }],
            DisruptionBudget = new() { MinAvailable = "50%" },
        });

        var problems = ModelDeploymentValidator.Validate(md);

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Theory]
    [InlineData("APP_")]
    [InlineData("Cfg2_")]
    [InlineData("LDX_")]
    [InlineData("max_")]
    [InlineData("MODELS_")]
    public void An_allowed_envFrom_prefix_can_never_make_a_reserved_name(string prefix)
    {
        Assert.Null(ReservedEnv.PrefixProblem(prefix));

        // Whatever keys the ConfigMap has (the operator cannot read them), prefix + key is not reserved
        foreach (var key in new[] { "", "PRELOAD", "NAME", "URI", "X", "_", "STARTUP_HOOKS", "PORT", "CACHE_HOME", "TUNABLES", "CONF" })
        {
            Assert.False(ReservedEnv.IsReserved(prefix + key), prefix + key);
        }
    }

    [Fact]
    public void Every_reserved_name_with_an_underscore_has_its_first_word_refused_as_a_prefix()
    {
        // The reserved names in words (ReservedEnv.Description); a family such as LD_* is its own first word
        var names = ReservedEnv.Description.Split(", ").Select(n => n.Split(' ')[0].TrimEnd('*'));
        foreach (var name in names.Where(n => n.Contains('_', StringComparison.Ordinal)))
        {
            var prefix = name[..(name.IndexOf('_', StringComparison.Ordinal) + 1)];
            Assert.NotNull(ReservedEnv.PrefixProblem(prefix));
        }
    }

    /// <summary>The valid object with spec.runtime changed (ModelDeploymentValidatorTests.Runtime; "Runtime" alone is a namespace here).</summary>
    private static ModelDeployment Shape(ModelDeployment md, Func<RuntimeSpec, RuntimeSpec> change) => ModelDeploymentValidatorTests.Runtime(md, change);

    private static Dictionary<string, string> Map(string key, string value) => new() { [key] = value };

    private static Affinity NodeTerm(NodeSelectorRequirement requirement) =>
        new() { NodeAffinity = new() { RequiredDuringSchedulingIgnoredDuringExecution = new() { NodeSelectorTerms = [new() { MatchExpressions = [requirement] }] } } };

    private static ModelDeployment Affinity(ModelDeployment md, Affinity affinity) => Shape(md, r => r with { Affinity = affinity });

    private static ModelDeployment Spread(ModelDeployment md, TopologySpreadConstraint constraint) => Shape(md, r => r with { TopologySpreadConstraints = [constraint] });

    private static ModelDeployment Budget(ModelDeployment md, DisruptionBudgetSpec budget) => Shape(md, r => r with { DisruptionBudget = budget });
}
