using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Json;

namespace ModelOperator.ApiServer.Validation;

/// <summary>The defaults the real server fills into built-in kinds, where clients read them back.</summary>
internal static class BuiltInDefaults
{
    public static void Apply(string storageKey, JsonObject obj, bool creating, Func<string> allocateClusterIp)
    {
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
                var spec = obj.GetOrAddObject("spec");
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

                break;
            case "services":
                var svc = obj.GetOrAddObject("spec");
                svc["type"] ??= "ClusterIP";
                svc["sessionAffinity"] ??= "None";
                if (svc.GetString("clusterIP") is null && svc.GetString("type") != "ExternalName")
                {
                    var ip = allocateClusterIp();
                    svc["clusterIP"] = ip;
                    svc["clusterIPs"] = new JsonArray(ip);
                }

                foreach (var port in svc.GetArray("ports")?.OfType<JsonObject>() ?? [])
                {
                    port["protocol"] ??= "TCP";
                    port["targetPort"] ??= port["port"]?.DeepClone();
                }

                break;
            case "pods" when creating:
                if (obj.GetObject("status")?.GetString("phase") is null)
                {
                    obj.GetOrAddObject("status")["phase"] = "Pending";
                }

                obj.GetOrAddObject("spec")["restartPolicy"] ??= "Always";
                break;
            case "secrets":
                obj["type"] ??= "Opaque";
                break;
        }
    }
}
