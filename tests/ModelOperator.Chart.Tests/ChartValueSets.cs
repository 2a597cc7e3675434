namespace ModelOperator.Chart.Tests;

/// <summary>The value sets every structural test renders: the defaults and the non-default installs the README describes.</summary>
public static class ChartValueSets
{
    public const string ReleaseNamespace = "ops";

    public const string TeamNamespace = "team-a";

    private static readonly Dictionary<string, string[]> Sets = new(StringComparer.Ordinal)
    {
        ["defaults"] = [],
        ["namespaced"] = ["--set", $"rbac.namespaced=true,watchNamespace={TeamNamespace}"],
        ["namespaced-release"] = ["--set", "rbac.namespaced=true"],
        ["monitoring"] = ["--set", "metrics.serviceMonitor.enabled=true,metrics.prometheusRule.enabled=true"],
        ["single-replica"] = ["--set", "replicaCount=1,leaderElection.enabled=false"],
        ["custom"] = ["--set", "image.repository=registry.example.com/ml/operator,image.tag=1.2.3,resources.limits.cpu=2,resources.requests.memory=1Gi,serviceAccount.name=mo-sa"],
    };

    public static TheoryData<string> Names => new(Sets.Keys);

    public static string[] Flags(string name) => Sets[name];

    /// <summary>The namespace the operator manages under <paramref name="name"/>, or null for all.</summary>
    public static string? Watched(string name) => name switch
    {
        "namespaced" => TeamNamespace,
        "namespaced-release" => ReleaseNamespace,
        _ => null,
    };
}
