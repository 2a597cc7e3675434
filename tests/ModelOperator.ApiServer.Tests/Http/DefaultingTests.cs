using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Tests.Support;

namespace ModelOperator.ApiServer.Tests.Http;

/// <summary>
/// What a real server stores for what it was sent: canonical quantities, defaults of built-in kinds and no empty lists or
/// maps. Each expectation is what kube-apiserver answers for the same request.
/// </summary>
public sealed class DefaultingTests
{
    private const string Deployments = "/apis/apps/v1/namespaces/default/deployments";
    private const string Services = "/api/v1/namespaces/default/services";
    private const string Pods = "/api/v1/namespaces/default/pods";
    private const string Hpas = "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers";

    private const string DeploymentBody = """
        {"metadata":{"name":"web","annotations":{}},
         "spec":{"selector":{"matchLabels":{"app":"web"}},
          "template":{"metadata":{"labels":{"app":"web"}},
           "spec":{"containers":[{"name":"c","image":"nginx","env":[],
             "ports":[{"name":"http","containerPort":80}],
             "resources":{"requests":{"cpu":0.5,"memory":"1024Mi"},"limits":{"cpu":"1000m","memory":"1.5Gi","example.com/gpu":"1e3"}},
             "readinessProbe":{"httpGet":{"port":"http"}}},
            {"name":"d","image":"registry:5000/app:v2"}],
            "volumes":[{"name":"tmp","emptyDir":{"sizeLimit":"1024Ki"}},{"name":"plain"},{"name":"cfg","configMap":{"name":"x"}}]}}}}
        """;

    [Fact]
    public async Task Quantities_are_stored_in_canonical_form()
    {
        await using var h = await ServerHarness.StartAsync();

        var created = await h.CreateAsync(Deployments, DeploymentBody);
        var (_, read) = await h.GetAsync(Deployments + "/web");

        foreach (var obj in new[] { created, read })
        {
            var resources = obj["spec"]!["template"]!["spec"]!["containers"]![0]!["resources"]!;
            Assert.Equal("500m", resources["requests"]!["cpu"]!.GetValue<string>());
            Assert.Equal("1Gi", resources["requests"]!["memory"]!.GetValue<string>());
            Assert.Equal("1", resources["limits"]!["cpu"]!.GetValue<string>());
            Assert.Equal("1536Mi", resources["limits"]!["memory"]!.GetValue<string>());
            Assert.Equal("1e3", resources["limits"]!["example.com/gpu"]!.GetValue<string>());
            Assert.Equal("1Mi", obj["spec"]!["template"]!["spec"]!["volumes"]![0]!["emptyDir"]!["sizeLimit"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task A_value_that_is_not_a_quantity_is_refused_as_a_decoding_error()
    {
        await using var h = await ServerHarness.StartAsync();

        var (code, status) = await h.PostAsync(Deployments, DeploymentBody.Replace("\"1024Mi\"", "\"lots\"", StringComparison.Ordinal));

        Assert.Equal(400, code);
        Assert.Equal("BadRequest", status["reason"]!.GetValue<string>());
        Assert.StartsWith("Deployment in version \"v1\" cannot be handled as a Deployment: quantities must match the regular expression", status["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_pod_template_gets_the_pod_spec_container_probe_and_volume_defaults()
    {
        await using var h = await ServerHarness.StartAsync();

        var d = await h.CreateAsync(Deployments, DeploymentBody);

        var spec = d["spec"]!;
        Assert.Equal(1, spec["replicas"]!.GetValue<int>());
        Assert.Equal(10, spec["revisionHistoryLimit"]!.GetValue<int>());
        Assert.Equal(600, spec["progressDeadlineSeconds"]!.GetValue<int>());
        Assert.Equal("""{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":"25%","maxSurge":"25%"}}""", spec["strategy"]!.ToJsonString());
        var pod = spec["template"]!["spec"]!;
        Assert.Equal("Always", pod["restartPolicy"]!.GetValue<string>());
        Assert.Equal("ClusterFirst", pod["dnsPolicy"]!.GetValue<string>());
        Assert.Equal(30, pod["terminationGracePeriodSeconds"]!.GetValue<int>());
        Assert.Equal("default-scheduler", pod["schedulerName"]!.GetValue<string>());
        Assert.Equal("{}", pod["securityContext"]!.ToJsonString());
        Assert.Null(pod["enableServiceLinks"]); // only a Pod gets it, not a template
        var c = pod["containers"]![0]!;
        Assert.Equal("Always", c["imagePullPolicy"]!.GetValue<string>()); // no tag means latest
        Assert.Equal("IfNotPresent", pod["containers"]![1]!["imagePullPolicy"]!.GetValue<string>());
        Assert.Equal("/dev/termination-log", c["terminationMessagePath"]!.GetValue<string>());
        Assert.Equal("File", c["terminationMessagePolicy"]!.GetValue<string>());
        Assert.Equal("TCP", c["ports"]![0]!["protocol"]!.GetValue<string>());
        Assert.Equal(
            """{"httpGet":{"port":"http","path":"/","scheme":"HTTP"},"timeoutSeconds":1,"periodSeconds":10,"successThreshold":1,"failureThreshold":3}""",
            c["readinessProbe"]!.ToJsonString());
        Assert.Equal("""{"name":"plain","emptyDir":{}}""", pod["volumes"]![1]!.ToJsonString());
        Assert.Equal(420, pod["volumes"]![2]!["configMap"]!["defaultMode"]!.GetValue<int>());
    }

    [Fact]
    public async Task Empty_lists_and_maps_are_dropped_but_empty_structs_stay()
    {
        await using var h = await ServerHarness.StartAsync();

        var d = await h.CreateAsync(Deployments, DeploymentBody);
        var cm = await h.CreateAsync("/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"c","labels":{},"finalizers":[]},"data":{}}""");

        Assert.Null(d["metadata"]!["annotations"]);
        Assert.False(d["spec"]!["template"]!["spec"]!["containers"]![0]!.AsObject().ContainsKey("env"));
        Assert.NotNull(d["spec"]!["template"]!["spec"]!["securityContext"]);
        Assert.False(cm["metadata"]!.AsObject().ContainsKey("labels"));
        Assert.False(cm["metadata"]!.AsObject().ContainsKey("finalizers"));
        Assert.False(cm.ContainsKey("data"));
    }

    [Fact]
    public async Task A_pod_gets_requests_from_limits_and_service_links()
    {
        await using var h = await ServerHarness.StartAsync();

        var pod = await h.CreateAsync(Pods, """{"metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"nginx:1.25","resources":{"limits":{"cpu":"0.25","memory":"128Mi"}}}]}}""");

        var spec = pod["spec"]!;
        Assert.Equal("""{"cpu":"250m","memory":"128Mi"}""", spec["containers"]![0]!["resources"]!["requests"]!.ToJsonString());
        Assert.True(spec["enableServiceLinks"]!.GetValue<bool>());
        Assert.Equal("IfNotPresent", spec["containers"]![0]!["imagePullPolicy"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_service_gets_its_defaults_and_allocations_and_keeps_them_on_update()
    {
        await using var h = await ServerHarness.StartAsync();

        var svc = await h.CreateAsync(Services, """{"metadata":{"name":"web"},"spec":{"selector":{"app":"web"},"ports":[{"name":"http","port":80}]}}""");
        var spec = svc["spec"]!;
        Assert.Equal("ClusterIP", spec["type"]!.GetValue<string>());
        Assert.Equal("None", spec["sessionAffinity"]!.GetValue<string>());
        Assert.Equal("Cluster", spec["internalTrafficPolicy"]!.GetValue<string>());
        Assert.Equal("SingleStack", spec["ipFamilyPolicy"]!.GetValue<string>());
        Assert.Equal("""["IPv4"]""", spec["ipFamilies"]!.ToJsonString());
        var ip = spec["clusterIP"]!.GetValue<string>();
        Assert.Equal($"[\"{ip}\"]", spec["clusterIPs"]!.ToJsonString());
        Assert.Equal("""{"name":"http","port":80,"protocol":"TCP","targetPort":80}""", spec["ports"]![0]!.ToJsonString());

        // An update that leaves the allocations out keeps them.
        var rv = svc["metadata"]!["resourceVersion"]!.GetValue<string>();
        var (code, updated) = await h.PutAsync(Services + "/web", $$$"""{"metadata":{"name":"web","resourceVersion":"{{{rv}}}"},"spec":{"selector":{"app":"web"},"ports":[{"name":"http","port":80}]}}""");
        Assert.Equal(200, code);
        Assert.Equal(ip, updated["spec"]!["clusterIP"]!.GetValue<string>());
        Assert.Equal(rv, updated["metadata"]!["resourceVersion"]!.GetValue<string>()); // nothing changed: no write

        var node = await h.CreateAsync(Services, """{"metadata":{"name":"np"},"spec":{"type":"NodePort","ports":[{"port":80,"targetPort":8080}]}}""");
        Assert.InRange(node["spec"]!["ports"]![0]!["nodePort"]!.GetValue<int>(), 30000, 32767);
        Assert.Equal("Cluster", node["spec"]!["externalTrafficPolicy"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_hpa_gets_min_replicas_a_cpu_metric_and_full_behavior_rules()
    {
        await using var h = await ServerHarness.StartAsync();

        var bare = await h.CreateAsync(Hpas, """{"metadata":{"name":"a"},"spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"maxReplicas":3}}""");
        var tuned = await h.CreateAsync(Hpas, """
            {"metadata":{"name":"b"},"spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"maxReplicas":3,
             "metrics":[{"type":"Pods","pods":{"metric":{"name":"inflight"},"target":{"type":"AverageValue","averageValue":"0.5"}}}],
             "behavior":{"scaleDown":{"stabilizationWindowSeconds":60}}}}
            """);

        Assert.Equal(1, bare["spec"]!["minReplicas"]!.GetValue<int>());
        Assert.Equal("""[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":80}}}]""", bare["spec"]!["metrics"]!.ToJsonString());
        Assert.Null(bare["spec"]!["behavior"]);
        Assert.Equal("500m", tuned["spec"]!["metrics"]![0]!["pods"]!["target"]!["averageValue"]!.GetValue<string>());
        var behavior = tuned["spec"]!["behavior"]!;
        Assert.Equal(60, behavior["scaleDown"]!["stabilizationWindowSeconds"]!.GetValue<int>());
        Assert.Equal("Max", behavior["scaleDown"]!["selectPolicy"]!.GetValue<string>());
        Assert.Equal("""[{"type":"Percent","value":100,"periodSeconds":15}]""", behavior["scaleDown"]!["policies"]!.ToJsonString());
        Assert.Equal(0, behavior["scaleUp"]!["stabilizationWindowSeconds"]!.GetValue<int>());
        Assert.Equal("""[{"type":"Pods","value":4,"periodSeconds":15},{"type":"Percent","value":100,"periodSeconds":15}]""", behavior["scaleUp"]!["policies"]!.ToJsonString());
    }

    [Fact]
    public async Task Custom_resources_keep_empty_lists_but_not_empty_metadata_maps()
    {
        await using var h = await ServerHarness.StartAsync();
        await h.InstallWidgetCrdAsync();

        var (code, widget) = await h.PostAsync("/apis/example.com/v1/namespaces/default/widgets", """{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w","annotations":{}},"spec":{"color":"red"}}""");

        Assert.Equal(201, code);
        Assert.False(widget["metadata"]!.AsObject().ContainsKey("annotations"));
    }
}
