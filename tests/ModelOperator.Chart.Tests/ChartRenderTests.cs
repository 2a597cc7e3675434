using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ModelOperator.Chart.Tests.Support;

namespace ModelOperator.Chart.Tests;

/// <summary>What the chart renders for default and non-default values, and how it refuses bad ones.</summary>
public sealed partial class ChartRenderTests
{
    private const string Ns = ChartValueSets.ReleaseNamespace;

    private static Rendered Render(params string[] flags) => new(ChartRenderer.RenderOk(Ns, flags));

    private static JsonObject Container(Rendered r) => r.Single("Deployment")["spec"]!["template"]!["spec"]!["containers"]![0]!.AsObject();

    private static Dictionary<string, string> Env(Rendered r) =>
        Container(r)["env"]!.AsArray().ToDictionary(e => e!["name"]!.GetValue<string>(), e => e!["value"]!.GetValue<string>());

    [Fact]
    public void Defaults_run_two_replicas_with_leader_election_on_the_appVersion_image()
    {
        var r = Render();
        var appVersion = YamlToJson.Read(RepositoryFiles.Read("charts/model-operator/Chart.yaml"))!["appVersion"]!.GetValue<string>();

        Assert.Equal(2, r.Single("Deployment")["spec"]!["replicas"]!.GetValue<long>());
        Assert.Equal($"modeloperator/operator:{appVersion}", Container(r)["image"]!.GetValue<string>());
        var env = Env(r);
        Assert.Equal("true", env["LEADER_ELECT"]);
        Assert.Equal(Ns, env["LEASE_NAMESPACE"]);
        Assert.Equal("", env["WATCH_NAMESPACES"]);
        Assert.Equal(["ClusterRole", "ClusterRoleBinding", "Deployment", "Role", "RoleBinding", "Service", "ServiceAccount"], r.Objects.Select(Rendered.Kind).Order());
    }

    [Fact]
    public void AppVersion_and_the_default_model_server_image_match_the_operators_own_default()
    {
        // OperatorOptions.DefaultImage is the operator's built-in model server image; the chart's appVersion is its tag.
        var source = RepositoryFiles.Read("operator/ModelOperator.Operator/Settings/OperatorOptions.cs");
        var defaultImage = DefaultImagePattern().Match(source).Groups[1].Value;
        Assert.StartsWith("modeloperator/modelserver:", defaultImage, StringComparison.Ordinal);
        var appVersion = YamlToJson.Read(RepositoryFiles.Read("charts/model-operator/Chart.yaml"))!["appVersion"]!.GetValue<string>();

        Assert.Equal(defaultImage, $"modeloperator/modelserver:{appVersion}");
        Assert.Equal(defaultImage, Env(Render())["DEFAULT_IMAGE"]);
    }

    [Fact]
    public void Every_variable_the_chart_sets_is_a_setting_the_operator_reads()
    {
        var source = RepositoryFiles.Read("operator/ModelOperator.Operator/Settings/OperatorOptionsParser.cs");
        var settings = SettingPattern().Matches(source).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("WATCH_NAMESPACES", settings);

        var env = Env(Render());

        Assert.Empty(env.Keys.Except(settings));
        Assert.Equal("8081", env["HTTP_PORT"]);
    }

    [Fact]
    public void Probes_and_the_metrics_Service_use_the_operators_http_endpoints_on_8081()
    {
        var r = Render();
        var container = Container(r);
        var port = Assert.Single(container["ports"]!.AsArray())!;
        Assert.Equal(("http-metrics", 8081L), (port["name"]!.GetValue<string>(), port["containerPort"]!.GetValue<long>()));
        Assert.Equal("/healthz", container["livenessProbe"]!["httpGet"]!["path"]!.GetValue<string>());
        Assert.Equal("/readyz", container["readinessProbe"]!["httpGet"]!["path"]!.GetValue<string>());
        Assert.Equal("http-metrics", container["readinessProbe"]!["httpGet"]!["port"]!.GetValue<string>());

        var service = r.Single("Service");
        Assert.Equal("http-metrics", service["spec"]!["ports"]![0]!["targetPort"]!.GetValue<string>());
        var podLabels = r.Single("Deployment")["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
        Assert.All(service["spec"]!["selector"]!.AsObject(), kv => Assert.Equal(kv.Value!.GetValue<string>(), podLabels[kv.Key]!.GetValue<string>()));
    }

    [Fact]
    public void Non_default_values_reach_the_Deployment()
    {
        var r = RenderWithValues("""
            resources:
              requests: {cpu: 250m, memory: 256Mi}
              limits: {memory: 1Gi}
            operator: {workers: 8, resyncPeriod: 1m}
            leaderElection: {leaseName: mo-lease}
            """, "--set", "replicaCount=1,leaderElection.enabled=false,image.repository=registry.example.com/ml/operator,image.tag=1.2.3");

        Assert.Equal(1, r.Single("Deployment")["spec"]!["replicas"]!.GetValue<long>());
        var container = Container(r);
        Assert.Equal("registry.example.com/ml/operator:1.2.3", container["image"]!.GetValue<string>());
        Assert.Equal("250m", container["resources"]!["requests"]!["cpu"]!.GetValue<string>());
        Assert.Equal("1Gi", container["resources"]!["limits"]!["memory"]!.GetValue<string>());
        var env = Env(r);
        Assert.Equal(("false", "8", "1m", "mo-lease"), (env["LEADER_ELECT"], env["WORKERS"], env["RESYNC_PERIOD"], env["LEASE_NAME"]));
        Assert.DoesNotContain(r.Objects, o => Rendered.Kind(o) == "Role" && Rendered.Name(o).EndsWith("-leader-election", StringComparison.Ordinal));
    }

    [Fact]
    public void The_admins_limits_on_tenants_reach_the_operator_and_are_off_by_default()
    {
        var defaults = Env(Render());
        Assert.Equal(("", "false"), (defaults["IMAGE_ALLOWLIST"], defaults["ALLOW_CONTROL_PLANE_TOLERATIONS"]));

        var env = Env(RenderWithValues("""
            operator:
              imageAllowlist: [registry.example.com/ml/, ghcr.io/acme/modelserver]
              allowControlPlaneTolerations: true
            """));

        // IMAGE_ALLOWLIST is the comma-separated list the operator reads (OperatorOptionsParser)
        Assert.Equal(("registry.example.com/ml/,ghcr.io/acme/modelserver", "true"), (env["IMAGE_ALLOWLIST"], env["ALLOW_CONTROL_PLANE_TOLERATIONS"]));
    }

    /// <summary>Renders with a values file holding <paramref name="values"/> (as <c>helm --values</c>), then <paramref name="flags"/>.</summary>
    private static Rendered RenderWithValues(string values, params string[] flags)
    {
        var valuesFile = Path.Combine(Path.GetTempPath(), $"chart-values-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(valuesFile, values);
        try
        {
            return Render([.. new[] { "--values", valuesFile }, .. flags]);
        }
        finally
        {
            File.Delete(valuesFile);
        }
    }

    [Fact]
    public void A_namespaced_install_watches_one_namespace_with_a_Role_there_and_no_ClusterRole()
    {
        var r = Render("--set", $"rbac.namespaced=true,watchNamespace={ChartValueSets.TeamNamespace}");

        Assert.Equal(ChartValueSets.TeamNamespace, Env(r)["WATCH_NAMESPACES"]);
        Assert.Empty(r.OfKind("ClusterRole"));
        Assert.Empty(r.OfKind("ClusterRoleBinding"));
        Assert.Equal([Ns, ChartValueSets.TeamNamespace], r.OfKind("Role").Select(Rendered.Namespace).Order());

        // Without watchNamespace, a namespaced install manages its own namespace.
        Assert.Equal(Ns, Env(Render("--set", "rbac.namespaced=true"))["WATCH_NAMESPACES"]);
    }

    [Fact]
    public void Watch_namespaces_gives_a_Role_and_RoleBinding_in_each_and_no_cluster_wide_rights()
    {
        var r = Render("--set", "watchNamespaces={team-a,team-b}");

        Assert.Equal("team-a,team-b", Env(r)["WATCH_NAMESPACES"]);
        Assert.Empty(r.OfKind("ClusterRole"));
        Assert.Empty(r.OfKind("ClusterRoleBinding"));
        Assert.Equal([Ns, "team-a", "team-b"], r.OfKind("Role").Select(Rendered.Namespace).Order());
        Assert.Equal([Ns, "team-a", "team-b"], r.OfKind("RoleBinding").Select(Rendered.Namespace).Order());
        var teamB = Assert.Single(r.OfKind("RoleBinding"), b => Rendered.Namespace(b) == "team-b");
        Assert.Equal("Role", teamB["roleRef"]!["kind"]!.GetValue<string>());
        Assert.Equal(Ns, teamB["subjects"]![0]!["namespace"]!.GetValue<string>());
        // each Role grants what the ClusterRole of an all-namespace install grants, in its namespace
        var cluster = Assert.Single(Render().OfKind("ClusterRole"));
        Assert.All(r.OfKind("Role").Where(role => Rendered.Namespace(role) != Ns),
            role => Assert.Equal(cluster["rules"]!.ToJsonString(), role["rules"]!.ToJsonString()));
    }

    [Fact]
    public void Without_watch_namespaces_the_operator_watches_all_with_a_ClusterRole()
    {
        var r = Render();

        Assert.Equal("", Env(r)["WATCH_NAMESPACES"]);
        Assert.Single(r.OfKind("ClusterRole"));
        Assert.Single(r.OfKind("ClusterRoleBinding"));
    }

    [Fact]
    public void The_crds_folder_is_the_generated_CRD_byte_for_byte_and_is_emitted_only_with_include_crds()
    {
        var repo = File.ReadAllBytes(RepositoryFiles.Path("crds/modeldeployments.modeloperator.io.yaml"));
        var chart = File.ReadAllBytes(RepositoryFiles.Path("charts/model-operator/crds/modeldeployments.modeloperator.io.yaml"));
        Assert.True(repo.AsSpan().SequenceEqual(chart), "charts/model-operator/crds/ differs from crds/: copy crds/modeldeployments.modeloperator.io.yaml over it");
        Assert.Equal(["modeldeployments.modeloperator.io"], Directory.GetFiles(RepositoryFiles.Path("charts/model-operator/crds")).Select(Path.GetFileNameWithoutExtension));

        Assert.Empty(Render().OfKind("CustomResourceDefinition"));
        var crd = Render("--include-crds").Single("CustomResourceDefinition");
        Assert.True(JsonNode.DeepEquals(YamlToJson.Read(File.ReadAllText(RepositoryFiles.Path("crds/modeldeployments.modeloperator.io.yaml"))), crd));
    }

    [Fact]
    public void The_PrometheusRule_carries_the_same_groups_as_the_plain_rules_file()
    {
        var plain = RepositoryFiles.Read("deploy/prometheus/modeloperator-rules.yml");
        Assert.Equal(plain, RepositoryFiles.Read("charts/model-operator/files/modeloperator-rules.yml"));
        Assert.Empty(Render().OfKind("PrometheusRule"));

        var rule = Render("--set", "metrics.prometheusRule.enabled=true,metrics.prometheusRule.labels.release=kube-prometheus").Single("PrometheusRule");

        var expected = YamlToJson.Read(plain)!["groups"]!;
        Assert.True(expected.AsArray().Count >= 2);
        Assert.True(JsonNode.DeepEquals(expected, rule["spec"]!["groups"]), $"rendered groups differ:\n{rule["spec"]!["groups"]}");
        Assert.Equal("kube-prometheus", rule["metadata"]!["labels"]!["release"]!.GetValue<string>());
    }

    [Fact]
    public void The_ServiceMonitor_scrapes_the_metrics_Service_by_its_labels_and_port()
    {
        Assert.Empty(Render().OfKind("ServiceMonitor"));
        var r = Render("--set", "metrics.serviceMonitor.enabled=true,metrics.serviceMonitor.interval=15s");

        var monitor = r.Single("ServiceMonitor");
        var service = r.Single("Service");
        var serviceLabels = service["metadata"]!["labels"]!.AsObject();
        Assert.All(monitor["spec"]!["selector"]!["matchLabels"]!.AsObject(), kv => Assert.Equal(kv.Value!.GetValue<string>(), serviceLabels[kv.Key]!.GetValue<string>()));
        var endpoint = Assert.Single(monitor["spec"]!["endpoints"]!.AsArray())!;
        Assert.Equal(service["spec"]!["ports"]![0]!["name"]!.GetValue<string>(), endpoint["port"]!.GetValue<string>());
        Assert.Equal("15s", endpoint["interval"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("watchNamespaces={team-a,Team_B}", "watchNamespaces has \"Team_B\", which is not a namespace name")]
    [InlineData("replicaCount=3,leaderElection.enabled=false", "replicaCount is 3 with leaderElection.enabled=false")]
    [InlineData("rbac.namespaced=true,watchNamespace=Team_A", "watchNamespaces has \"Team_A\", which is not a namespace name")]
    [InlineData("serviceAccount.create=false", "serviceAccount.name is required when serviceAccount.create is false")]
    [InlineData("image.repository=", "image.repository is required")]
    public void Bad_values_fail_the_render_with_a_message_naming_the_value(string set, string message)
    {
        var result = ChartRenderer.Render(Ns, "--set", set);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
        Assert.StartsWith("Error: execution error at (model-operator/templates/", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("", result.Stdout);
    }

    [GeneratedRegex("""DefaultImage \{ get; init; \} = "([^"]+)";""")]
    private static partial Regex DefaultImagePattern();

    [GeneratedRegex("""\("([A-Z_]+)", "--[a-z-]+",""")]
    private static partial Regex SettingPattern();
}
