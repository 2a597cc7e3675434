using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Hosting;
using ModelOperator.Chart.Tests.Support;

namespace ModelOperator.Chart.Tests;

/// <summary>
/// Given the chart rendered with a value set, when `kubectl apply -f` loads it into the in-memory API server (as a user
/// would load `helm template` output), then the stored objects meet the restricted Pod Security Standard and the RBAC
/// grants exactly what the operator uses: everything in <see cref="OperatorNeeds"/>, no wildcard, Secrets only by name (get).
/// </summary>
public sealed class ChartInstallTests
{
    // Stand-ins for the Prometheus Operator's CRDs, so the optional ServiceMonitor and PrometheusRule can be stored.
    private const string MonitoringCrds = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: servicemonitors.monitoring.coreos.com}
        spec:
          group: monitoring.coreos.com
          scope: Namespaced
          names: {kind: ServiceMonitor, listKind: ServiceMonitorList, plural: servicemonitors, singular: servicemonitor}
          versions:
            - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}
        ---
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: prometheusrules.monitoring.coreos.com}
        spec:
          group: monitoring.coreos.com
          scope: Namespaced
          names: {kind: PrometheusRule, listKind: PrometheusRuleList, plural: prometheusrules, singular: prometheusrule}
          versions:
            - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}
        """;

    private const string Namespaces = $"""
        apiVersion: v1
        kind: Namespace
        metadata:
          name: {ChartValueSets.ReleaseNamespace}
        ---
        apiVersion: v1
        kind: Namespace
        metadata:
          name: {ChartValueSets.TeamNamespace}
        """;

    [Theory]
    [MemberData(nameof(ChartValueSets.Names), MemberType = typeof(ChartValueSets))]
    public async Task Kubectl_apply_loads_every_rendered_object_and_the_stored_objects_are_restricted_and_least_privilege(string valueSet)
    {
        var stored = await InstallAsync(valueSet);

        Assert.Equal(
            ChartRendererObjects(valueSet).Select(o => (Rendered.Kind(o), Rendered.Name(o))).Order(),
            stored.Select(o => (Rendered.Kind(o), Rendered.Name(o))).Order());
        AssertRestrictedPodSecurity(Assert.Single(stored, o => Rendered.Kind(o) == "Deployment"));
        AssertLeastPrivilege(stored, ChartValueSets.Watched(valueSet));
    }

    private static IReadOnlyList<JsonObject> ChartRendererObjects(string valueSet) =>
        new Rendered(ChartRenderer.RenderOk(ChartValueSets.ReleaseNamespace, ["--include-crds", .. ChartValueSets.Flags(valueSet)])).Objects;

    /// <summary>Applies the rendered chart and reads every object back from the server (`kubectl get -f`).</summary>
    private static async Task<IReadOnlyList<JsonObject>> InstallAsync(string valueSet)
    {
        var dir = Path.Combine(Path.GetTempPath(), "chart-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            await using var server = await InMemoryApiServer.StartAsync();
            var kubectl = new Kubectl(server.WriteKubeconfig(Path.Combine(dir, "kubeconfig")), dir);
            var manifest = Path.Combine(dir, "rendered.yaml");
            await File.WriteAllTextAsync(manifest, ChartRenderer.RenderOk(ChartValueSets.ReleaseNamespace, ["--include-crds", .. ChartValueSets.Flags(valueSet)]));

            await kubectl.ApplyAsync(Namespaces);
            await kubectl.ApplyAsync(MonitoringCrds);
            var applied = (await kubectl.RunAsync("apply", "-f", manifest)).EnsureSuccess();
            Assert.Contains("deployment.apps/rel-model-operator created", applied.Stdout, StringComparison.Ordinal);

            var list = JsonNode.Parse((await kubectl.RunAsync("get", "-f", manifest, "-o", "json")).EnsureSuccess().Stdout)!;
            return list["items"]!.AsArray().Select(i => i!.AsObject()).ToList();
        }
        finally
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
                // kubectl's cache may still be held open; the temp folder is cleaned up later.
            }
        }
    }

    /// <summary>The "restricted" Pod Security Standard's requirements, on the pod and on every container.</summary>
    internal static void AssertRestrictedPodSecurity(JsonObject deployment)
    {
        var pod = deployment["spec"]!["template"]!["spec"]!.AsObject();
        var podSecurity = pod["securityContext"]!;
        Assert.True(podSecurity["runAsNonRoot"]!.GetValue<bool>());
        Assert.Equal("RuntimeDefault", podSecurity["seccompProfile"]!["type"]!.GetValue<string>());
        Assert.NotEqual(0, podSecurity["runAsUser"]?.GetValue<long>() ?? -1);
        Assert.Null(pod["hostNetwork"]);
        Assert.Null(pod["hostPID"]);
        Assert.Null(pod["hostIPC"]);
        Assert.All(pod["volumes"]?.AsArray() ?? [], v => Assert.Null(v!["hostPath"]));
        foreach (var container in pod["containers"]!.AsArray().Select(c => c!.AsObject()))
        {
            var security = container["securityContext"]!;
            Assert.False(security["allowPrivilegeEscalation"]!.GetValue<bool>());
            Assert.True(security["readOnlyRootFilesystem"]!.GetValue<bool>());
            Assert.Equal(["ALL"], security["capabilities"]!["drop"]!.AsArray().Select(c => c!.GetValue<string>()));
            Assert.Null(security["capabilities"]!["add"]);
            Assert.Null(security["privileged"]);
            Assert.Null(container["ports"]!.AsArray().FirstOrDefault(p => p!["hostPort"] is not null));
        }
    }

    /// <summary>
    /// RBAC of the stored objects: no "*" anywhere, Secrets only read by name (no list or watch), every need granted where the operator works (cluster-wide,
    /// or only in the watched namespace), the Lease only in the release namespace, and every binding bound to the
    /// chart's ServiceAccount.
    /// </summary>
    internal static void AssertLeastPrivilege(IReadOnlyList<JsonObject> objects, string? watched)
    {
        var roles = objects.Where(o => Rendered.Kind(o) is "Role" or "ClusterRole").ToList();
        Assert.NotEmpty(roles);
        foreach (var rule in roles.SelectMany(RbacRules.Rules))
        {
            foreach (var field in new[] { "apiGroups", "resources", "verbs", "resourceNames" })
            {
                Assert.DoesNotContain("*", RbacRules.Strings(rule, field));
            }

            if (RbacRules.Strings(rule, "resources").Contains("secrets"))
            {
                Assert.Equal(["get"], RbacRules.Strings(rule, "verbs"));
            }
            Assert.Empty(RbacRules.Strings(rule, "nonResourceURLs"));
        }

        var clusterRoles = objects.Where(o => Rendered.Kind(o) == "ClusterRole").ToList();
        var namespacedRoles = roles.Where(r => Rendered.Kind(r) == "Role").ToList();
        if (watched is null)
        {
            var clusterRole = Assert.Single(clusterRoles);
            AssertGrantsExactly(clusterRole, OperatorNeeds.Managed);
        }
        else
        {
            // A one-namespace operator gets no cluster-scoped rights at all.
            Assert.Empty(clusterRoles);
            Assert.DoesNotContain(objects, o => Rendered.Kind(o) == "ClusterRoleBinding");
            var managed = Assert.Single(namespacedRoles, r => Rendered.Namespace(r) == watched && !Rendered.Name(r).EndsWith("-leader-election", StringComparison.Ordinal));
            AssertGrantsExactly(managed, OperatorNeeds.Managed);
        }

        var sa = objects.SingleOrDefault(o => Rendered.Kind(o) == "ServiceAccount");
        foreach (var binding in objects.Where(o => Rendered.Kind(o) is "RoleBinding" or "ClusterRoleBinding"))
        {
            var subject = Assert.Single(binding["subjects"]!.AsArray())!;
            Assert.Equal("ServiceAccount", subject["kind"]!.GetValue<string>());
            Assert.Equal(ChartValueSets.ReleaseNamespace, subject["namespace"]!.GetValue<string>());
            Assert.Equal(ServiceAccountName(objects), subject["name"]!.GetValue<string>());
            var roleRef = binding["roleRef"]!;
            Assert.Contains(roles, r => Rendered.Kind(r) == roleRef["kind"]!.GetValue<string>() && Rendered.Name(r) == roleRef["name"]!.GetValue<string>()
                && Rendered.Namespace(r) == Rendered.Namespace(binding));
        }

        if (sa is not null)
        {
            Assert.Equal(ChartValueSets.ReleaseNamespace, Rendered.Namespace(sa));
        }

        var leaseRoles = roles.Where(r => RbacRules.Rules(r).Any(rule => RbacRules.Strings(rule, "resources").Contains("leases"))).ToList();
        if (Env(objects, "LEADER_ELECT") == "false")
        {
            Assert.Empty(leaseRoles);
            return;
        }

        var leaseRole = Assert.Single(leaseRoles);
        Assert.Equal("Role", Rendered.Kind(leaseRole));
        Assert.Equal(ChartValueSets.ReleaseNamespace, Rendered.Namespace(leaseRole));
        var leaseName = Env(objects, "LEASE_NAME");
        foreach (var (group, resource, verb) in OperatorNeeds.Lease)
        {
            Assert.True(RbacRules.Allows(leaseRole, group, resource, verb, leaseName), $"{verb} {resource} {leaseName} is not granted");
        }

        Assert.False(RbacRules.Allows(leaseRole, "coordination.k8s.io", "leases", "update", "someone-elses-lease"), "update is granted on any Lease, not only the operator's");
    }

    /// <summary>Every need allowed, and every (group, resource, verb) the role names is a need: nothing extra.</summary>
    private static void AssertGrantsExactly(JsonObject role, IReadOnlyList<(string Group, string Resource, string Verb)> needs)
    {
        foreach (var (group, resource, verb) in needs)
        {
            Assert.True(RbacRules.Allows(role, group, resource, verb), $"{Rendered.Kind(role)} {Rendered.Name(role)} does not grant {verb} on {resource}.{group}");
        }

        var granted = RbacRules.Rules(role).SelectMany(r =>
            from g in RbacRules.Strings(r, "apiGroups")
            from res in RbacRules.Strings(r, "resources")
            from v in RbacRules.Strings(r, "verbs")
            select (g, res, v)).ToHashSet();
        Assert.Empty(granted.Except(needs));
    }

    private static string ServiceAccountName(IReadOnlyList<JsonObject> objects) =>
        objects.Single(o => Rendered.Kind(o) == "Deployment")["spec"]!["template"]!["spec"]!["serviceAccountName"]!.GetValue<string>();

    private static string Env(IReadOnlyList<JsonObject> objects, string name) =>
        objects.Single(o => Rendered.Kind(o) == "Deployment")["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray()
            .Single(e => e!["name"]!.GetValue<string>() == name)!["value"]!.GetValue<string>();
}
