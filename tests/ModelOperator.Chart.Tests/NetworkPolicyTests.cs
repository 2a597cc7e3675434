using System.Text.Json.Nodes;
using ModelOperator.Chart.Tests.Support;

namespace ModelOperator.Chart.Tests;

/// <summary>The chart's bounds on the operator's outbound calls, the Prometheus allowlist, and the model servers' NetworkPolicy.</summary>
public sealed class NetworkPolicyTests
{
    private const string Ns = ChartValueSets.ReleaseNamespace;

    private static Rendered Render(params string[] flags) => new(ChartRenderer.RenderOk(Ns, flags));

    private static Dictionary<string, string> Env(Rendered r) =>
        r.Single("Deployment")["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray()
            .ToDictionary(e => e!["name"]!.GetValue<string>(), e => e!["value"]!.GetValue<string>());

    [Fact]
    public void Defaults_bound_outbound_calls_allow_the_in_cluster_prometheus_and_install_no_policy()
    {
        var r = Render();
        var env = Env(r);

        Assert.Equal(("4194304", "4", "20s", "4"), (env["MAX_RESPONSE_BYTES"], env["OUTBOUND_CONCURRENCY"], env["OUTBOUND_DEADLINE"], env["OUTBOUND_MAX_CONNECTIONS_PER_SERVER"]));
        Assert.Equal("http://prometheus-operated.monitoring:9090", env["PROMETHEUS_ALLOWED_ADDRESSES"]);
        Assert.DoesNotContain("MODELSERVER_METRICS_PORT", env.Keys);
        Assert.Empty(r.OfKind("NetworkPolicy"));
    }

    [Fact]
    public void The_admin_lists_the_allowed_prometheus_addresses()
    {
        var env = Env(Render("--set", "analysis.prometheus.allowedAddresses={http://prometheus.obs:9090,https://thanos.obs/api/prom}"));

        Assert.Equal("http://prometheus.obs:9090,https://thanos.obs/api/prom", env["PROMETHEUS_ALLOWED_ADDRESSES"]);
    }

    [Fact]
    public void The_policy_opens_inference_to_all_and_the_metrics_port_to_monitoring_and_the_operator_only()
    {
        var r = Render("--set", "networkPolicy.enabled=true,operator.modelServerMetricsPort=9090,networkPolicy.namespaces={team-a,team-b}");

        Assert.Equal("9090", Env(r)["MODELSERVER_METRICS_PORT"]);
        var policies = r.OfKind("NetworkPolicy").ToList();
        Assert.Equal(["team-a", "team-b"], policies.Select(Rendered.Namespace).Order());
        var spec = policies[0]["spec"]!;
        Assert.Equal("modeloperator", spec["podSelector"]!["matchLabels"]!["app.kubernetes.io/managed-by"]!.GetValue<string>());
        Assert.Equal(["Ingress"], spec["policyTypes"]!.AsArray().Select(t => t!.GetValue<string>()));
        var rules = spec["ingress"]!.AsArray();
        Assert.Equal(2, rules.Count);

        // Inference: the REST port and the gRPC port (by the name the operator gives it on the pods), from anywhere.
        Assert.Null(rules[0]!["from"]);
        var inference = rules[0]!["ports"]!.AsArray();
        Assert.Equal(2, inference.Count);
        Assert.Equal(8080, inference[0]!["port"]!.GetValue<long>());
        Assert.Equal("grpc", inference[1]!["port"]!.GetValue<string>());
        Assert.All(inference, p => Assert.Equal("TCP", p!["protocol"]!.GetValue<string>()));

        // Metrics: the metrics port, from the monitoring namespace or the operator's pods in the release namespace.
        Assert.Equal(9090, Assert.Single(rules[1]!["ports"]!.AsArray())!["port"]!.GetValue<long>());
        var from = rules[1]!["from"]!.AsArray();
        Assert.Equal(2, from.Count);
        Assert.Equal("monitoring", from[0]!["namespaceSelector"]!["matchLabels"]!["kubernetes.io/metadata.name"]!.GetValue<string>());
        Assert.Null(from[0]!["podSelector"]);
        Assert.Equal(Ns, from[1]!["namespaceSelector"]!["matchLabels"]!["kubernetes.io/metadata.name"]!.GetValue<string>());
        var operatorPods = r.Single("Deployment")["spec"]!["selector"]!["matchLabels"]!.AsObject();
        Assert.Equal(
            operatorPods.Select(kv => (kv.Key, kv.Value!.GetValue<string>())).Order(),
            from[1]!["podSelector"]!["matchLabels"]!.AsObject().Select(kv => (kv.Key, kv.Value!.GetValue<string>())).Order());
    }

    [Fact]
    public void Without_namespaces_the_policy_goes_to_the_watched_namespace_or_the_release_namespace()
    {
        var watched = Render("--set", $"networkPolicy.enabled=true,operator.modelServerMetricsPort=9090,rbac.namespaced=true,watchNamespace={ChartValueSets.TeamNamespace}");
        var all = Render("--set", "networkPolicy.enabled=true,operator.modelServerMetricsPort=9090");

        Assert.Equal(ChartValueSets.TeamNamespace, Rendered.Namespace(Assert.Single(watched.OfKind("NetworkPolicy"))));
        Assert.Equal(Ns, Rendered.Namespace(Assert.Single(all.OfKind("NetworkPolicy"))));
    }

    [Fact]
    public void A_policy_without_a_metrics_port_of_its_own_is_refused()
    {
        var result = ChartRenderer.Render(Ns, "--set", "networkPolicy.enabled=true");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("networkPolicy.enabled needs operator.modelServerMetricsPort", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("", result.Stdout);
    }
}
