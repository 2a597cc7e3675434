using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Json;

namespace ModelOperator.ApiServer.Validation;

/// <summary>
/// The defaults the real server fills into built-in kinds (core/v1, apps/v1 and autoscaling/v2 defaulting, and the
/// Service registry's allocations), and the canonical form of their quantities. Values that are not quantities are
/// returned for the caller to refuse, as a real server's decoding does.
/// </summary>
internal static class BuiltInDefaults
{
    public static IReadOnlyList<string> Apply(string storageKey, JsonObject obj, bool creating, Func<string> allocateClusterIp, Func<int> allocateNodePort)
    {
        var quantities = new QuantityFields();
        switch (storageKey)
        {
            case "namespaces":
                obj.Metadata().GetOrAddObject("labels")["kubernetes.io/metadata.name"] = obj.Name();
                if (obj.GetObject("status")?.GetString("phase") is null)
                {
                    obj.GetOrAddObject("status")["phase"] = "Active";
                }

                break;
            case "deployments.apps":
                Deployment(obj.GetOrAddObject("spec"));
                PodSpecDefaults.Apply(obj.GetObject("spec")?.GetObject("template")?.GetObject("spec"), quantities);
                break;
            case "services":
                Service(obj.GetOrAddObject("spec"), allocateClusterIp, allocateNodePort);
                break;
            case "pods":
                if (creating && obj.GetObject("status")?.GetString("phase") is null)
                {
                    obj.GetOrAddObject("status")["phase"] = "Pending";
                }

                PodSpecDefaults.Apply(obj.GetObject("spec"), quantities);
                PodSpecDefaults.ApplyPodOnly(obj.GetObject("spec"));
                break;
            case "horizontalpodautoscalers.autoscaling":
                HorizontalPodAutoscaler(obj, quantities);
                break;
            case "endpoints":
                foreach (var port in obj.GetArray("subsets")?.OfType<JsonObject>().SelectMany(s => s.GetArray("ports")?.OfType<JsonObject>() ?? []) ?? [])
                {
                    port["protocol"] ??= "TCP";
                }

                break;
            case "secrets":
                obj["type"] ??= "Opaque";
                break;
            case "persistentvolumeclaims":
                obj.GetOrAddObject("spec")["volumeMode"] ??= "Filesystem";
                quantities.Requirements(obj.GetObject("spec")?.GetObject("resources"));
                if (creating && obj.GetObject("status")?.GetString("phase") is null)
                {
                    obj.GetOrAddObject("status")["phase"] = "Pending";
                }

                quantities.Map(obj.GetObject("status")?.GetObject("capacity"));
                break;
            case "resourcequotas":
                quantities.Map(obj.GetObject("spec")?.GetObject("hard"));
                quantities.Map(obj.GetObject("status")?.GetObject("hard"));
                quantities.Map(obj.GetObject("status")?.GetObject("used"));
                break;
            case "limitranges":
                LimitRange(obj.GetObject("spec")?.GetArray("limits"), quantities);
                break;
            case "poddisruptionbudgets.policy" when creating:
                // The status is a struct of non-omitempty counters: a new PDB reads them as zeros.
                obj["status"] = new JsonObject { ["disruptionsAllowed"] = 0, ["currentHealthy"] = 0, ["desiredHealthy"] = 0, ["expectedPods"] = 0 };
                break;
        }

        return quantities.Invalid;
    }

    /// <summary>
    /// SetDefaults_LimitRangeItem for Container items: the default limit falls back to max, the default request to the
    /// default limit and then to min. Every quantity is canonical.
    /// </summary>
    private static void LimitRange(JsonArray? limits, QuantityFields quantities)
    {
        foreach (var item in limits?.OfType<JsonObject>() ?? [])
        {
            foreach (var field in new[] { "max", "min", "default", "defaultRequest", "maxLimitRequestRatio" })
            {
                quantities.Map(item.GetObject(field));
            }

            if (item.GetString("type") != "Container")
            {
                continue;
            }

            var defaults = item.GetOrAddObject("default");
            var requests = item.GetOrAddObject("defaultRequest");
            foreach (var (source, target) in new[] { ("max", defaults), ("default", requests), ("min", requests) })
            {
                foreach (var (resource, value) in item.GetObject(source) ?? [])
                {
                    target[resource] ??= value?.DeepClone();
                }
            }
        }
    }

    private static void Deployment(JsonObject spec)
    {
        spec["replicas"] ??= 1;
        spec["revisionHistoryLimit"] ??= 10;
        spec["progressDeadlineSeconds"] ??= 600;
        var strategy = spec.GetOrAddObject("strategy");
        strategy["type"] ??= "RollingUpdate";
        if (strategy.GetString("type") == "RollingUpdate")
        {
            var rolling = strategy.GetOrAddObject("rollingUpdate");
            rolling["maxUnavailable"] ??= "25%";
            rolling["maxSurge"] ??= "25%";
        }
    }

    /// <summary>SetDefaults_Service, then what the registry allocates: cluster IP, IP families, node ports.</summary>
    private static void Service(JsonObject spec, Func<string> allocateClusterIp, Func<int> allocateNodePort)
    {
        spec["type"] ??= "ClusterIP";
        var type = spec.GetString("type");
        spec["sessionAffinity"] ??= "None";
        if (spec.GetString("sessionAffinity") == "None")
        {
            spec.Remove("sessionAffinityConfig");
        }
        else if (spec.GetString("sessionAffinity") == "ClientIP" && JsonHelpers.AtPath(spec, "sessionAffinityConfig.clientIP.timeoutSeconds") is null)
        {
            spec["sessionAffinityConfig"] = new JsonObject { ["clientIP"] = new JsonObject { ["timeoutSeconds"] = 10800 } };
        }

        var external = type is "NodePort" or "LoadBalancer";
        foreach (var port in spec.GetArray("ports")?.OfType<JsonObject>() ?? [])
        {
            port["protocol"] ??= "TCP";
            if (port["targetPort"] is null || JsonHelpers.ScalarText(port["targetPort"]) is "0" or "")
            {
                port["targetPort"] = port["port"]?.DeepClone();
            }

            if (external && JsonHelpers.AsInt64(port["nodePort"]) is null or 0)
            {
                port["nodePort"] = allocateNodePort();
            }
        }

        if (external)
        {
            spec["externalTrafficPolicy"] ??= "Cluster";
        }

        if (type is "ClusterIP" or "NodePort" or "LoadBalancer")
        {
            spec["internalTrafficPolicy"] ??= "Cluster";
        }

        if (type == "LoadBalancer")
        {
            spec["allocateLoadBalancerNodePorts"] ??= true;
        }

        if (type == "ExternalName")
        {
            return;
        }

        if (string.IsNullOrEmpty(spec.GetString("clusterIP")))
        {
            var ip = allocateClusterIp();
            spec["clusterIP"] = ip;
            spec["clusterIPs"] = new JsonArray(ip);
        }
        else if (spec.GetArray("clusterIPs") is null or { Count: 0 })
        {
            spec["clusterIPs"] = new JsonArray(spec.GetString("clusterIP"));
        }

        spec["ipFamilies"] ??= new JsonArray("IPv4");
        spec["ipFamilyPolicy"] ??= "SingleStack";
    }

    /// <summary>autoscaling/v2 SetDefaults_HorizontalPodAutoscaler and its behavior rules; metric targets canonicalized.</summary>
    private static void HorizontalPodAutoscaler(JsonObject obj, QuantityFields quantities)
    {
        var spec = obj.GetOrAddObject("spec");
        spec["minReplicas"] ??= 1;
        if (spec.GetArray("metrics") is null or { Count: 0 })
        {
            spec["metrics"] = new JsonArray(new JsonObject
            {
                ["type"] = "Resource",
                ["resource"] = new JsonObject
                {
                    ["name"] = "cpu",
                    ["target"] = new JsonObject { ["type"] = "Utilization", ["averageUtilization"] = 80 },
                },
            });
        }

        if (spec.GetObject("behavior") is { } behavior)
        {
            var up = behavior.GetOrAddObject("scaleUp");
            up["stabilizationWindowSeconds"] ??= 0;
            up["selectPolicy"] ??= "Max";
            up["policies"] ??= new JsonArray(
                new JsonObject { ["type"] = "Pods", ["value"] = 4, ["periodSeconds"] = 15 },
                new JsonObject { ["type"] = "Percent", ["value"] = 100, ["periodSeconds"] = 15 });
            var down = behavior.GetOrAddObject("scaleDown");
            down["selectPolicy"] ??= "Max";
            down["policies"] ??= new JsonArray(new JsonObject { ["type"] = "Percent", ["value"] = 100, ["periodSeconds"] = 15 });
        }

        foreach (var metric in spec.GetArray("metrics")?.OfType<JsonObject>() ?? [])
        {
            MetricValues(metric, "target", quantities);
        }

        foreach (var metric in obj.GetObject("status")?.GetArray("currentMetrics")?.OfType<JsonObject>() ?? [])
        {
            MetricValues(metric, "current", quantities);
        }
    }

    private static void MetricValues(JsonObject metric, string part, QuantityFields quantities)
    {
        foreach (var source in new[] { "resource", "containerResource", "pods", "object", "external" })
        {
            var values = metric.GetObject(source)?.GetObject(part);
            quantities.One(values, "averageValue");
            quantities.One(values, "value");
        }
    }
}
