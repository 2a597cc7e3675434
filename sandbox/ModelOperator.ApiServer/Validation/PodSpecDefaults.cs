using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Json;

namespace ModelOperator.ApiServer.Validation;

/// <summary>
/// The defaults kube-apiserver fills into a PodSpec (core/v1 SetDefaults_PodSpec, _Container, _Probe, _HTTPGetAction,
/// _Volume and the volume sources), wherever one appears: a Pod, or the pod template of a Deployment. Quantities inside
/// are canonicalized on the way. <see cref="ApplyPodOnly"/> adds what only a Pod gets (SetDefaults_Pod).
/// </summary>
internal static class PodSpecDefaults
{
    private const int DefaultFileMode = 420; // 0644

    public static void Apply(JsonObject? spec, QuantityFields quantities)
    {
        if (spec is null)
        {
            return;
        }

        spec["dnsPolicy"] ??= "ClusterFirst";
        spec["restartPolicy"] ??= "Always";
        spec["securityContext"] ??= new JsonObject();
        spec["terminationGracePeriodSeconds"] ??= 30;
        spec["schedulerName"] ??= "default-scheduler";
        foreach (var list in new[] { "initContainers", "containers", "ephemeralContainers" })
        {
            foreach (var container in spec.GetArray(list)?.OfType<JsonObject>() ?? [])
            {
                Container(container, quantities);
            }
        }

        foreach (var volume in spec.GetArray("volumes")?.OfType<JsonObject>() ?? [])
        {
            Volume(volume, quantities);
        }

        quantities.ResourceList(spec.GetObject("overhead"));
        quantities.Requirements(spec.GetObject("resources"));
    }

    /// <summary>SetDefaults_Pod: requests default to limits where a container sets only a limit, and service links are on.</summary>
    public static void ApplyPodOnly(JsonObject? spec)
    {
        if (spec is null)
        {
            return;
        }

        foreach (var list in new[] { "initContainers", "containers" })
        {
            foreach (var resources in spec.GetArray(list)?.OfType<JsonObject>().Select(c => c.GetObject("resources")) ?? [])
            {
                if (resources?.GetObject("limits") is not { } limits)
                {
                    continue;
                }

                var requests = resources.GetOrAddObject("requests");
                foreach (var (key, value) in limits)
                {
                    requests[key] ??= value?.DeepClone();
                }
            }
        }

        spec["enableServiceLinks"] ??= true;
    }

    /// <summary>Always for an image tagged latest or not tagged at all (no digest either), else IfNotPresent.</summary>
    public static string PullPolicy(string? image)
    {
        var reference = image ?? "";
        var digest = reference.IndexOf('@', StringComparison.Ordinal);
        if (digest >= 0)
        {
            reference = reference[..digest];
        }

        var lastSlash = reference.LastIndexOf('/');
        var colon = reference.LastIndexOf(':');
        var tag = colon > lastSlash ? reference[(colon + 1)..] : digest >= 0 ? "" : "latest";
        return tag == "latest" ? "Always" : "IfNotPresent";
    }

    private static void Container(JsonObject container, QuantityFields quantities)
    {
        container["imagePullPolicy"] ??= PullPolicy(container.GetString("image"));
        container["terminationMessagePath"] ??= "/dev/termination-log";
        container["terminationMessagePolicy"] ??= "File";
        foreach (var port in container.GetArray("ports")?.OfType<JsonObject>() ?? [])
        {
            port["protocol"] ??= "TCP";
        }

        foreach (var probe in new[] { "livenessProbe", "readinessProbe", "startupProbe" })
        {
            Probe(container.GetObject(probe));
        }

        var lifecycle = container.GetObject("lifecycle");
        HttpGet(lifecycle?.GetObject("postStart")?.GetObject("httpGet"));
        HttpGet(lifecycle?.GetObject("preStop")?.GetObject("httpGet"));
        foreach (var env in container.GetArray("env")?.OfType<JsonObject>() ?? [])
        {
            FieldRef(env.GetObject("valueFrom")?.GetObject("fieldRef"));
            Divisor(env.GetObject("valueFrom")?.GetObject("resourceFieldRef"), quantities);
        }

        quantities.Requirements(container.GetObject("resources"));
    }

    private static void Probe(JsonObject? probe)
    {
        if (probe is null)
        {
            return;
        }

        if (JsonHelpers.AsInt64(probe["timeoutSeconds"]) is null or 0)
        {
            probe["timeoutSeconds"] = 1;
        }

        if (JsonHelpers.AsInt64(probe["periodSeconds"]) is null or 0)
        {
            probe["periodSeconds"] = 10;
        }

        if (JsonHelpers.AsInt64(probe["successThreshold"]) is null or 0)
        {
            probe["successThreshold"] = 1;
        }

        if (JsonHelpers.AsInt64(probe["failureThreshold"]) is null or 0)
        {
            probe["failureThreshold"] = 3;
        }

        HttpGet(probe.GetObject("httpGet"));
    }

    private static void HttpGet(JsonObject? action)
    {
        if (action is null)
        {
            return;
        }

        if (string.IsNullOrEmpty(action.GetString("path")))
        {
            action["path"] = "/";
        }

        if (string.IsNullOrEmpty(action.GetString("scheme")))
        {
            action["scheme"] = "HTTP";
        }
    }

    private static void FieldRef(JsonObject? fieldRef)
    {
        if (fieldRef is not null && string.IsNullOrEmpty(fieldRef.GetString("apiVersion")))
        {
            fieldRef["apiVersion"] = "v1";
        }
    }

    private static void Divisor(JsonObject? resourceFieldRef, QuantityFields quantities) => quantities.One(resourceFieldRef, "divisor");

    private static readonly string[] VolumeSources =
    [
        "hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "secret", "nfs", "iscsi", "glusterfs",
        "persistentVolumeClaim", "rbd", "flexVolume", "cinder", "cephfs", "flocker", "downwardAPI", "fc", "azureFile", "configMap",
        "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "projected", "portworxVolume", "scaleIO", "storageos",
        "csi", "ephemeral", "image",
    ];

    private static void Volume(JsonObject volume, QuantityFields quantities)
    {
        if (!VolumeSources.Any(s => volume[s] is not null))
        {
            volume["emptyDir"] = new JsonObject();
        }

        quantities.One(volume.GetObject("emptyDir"), "sizeLimit");
        foreach (var source in new[] { "secret", "configMap", "downwardAPI", "projected" })
        {
            if (volume.GetObject(source) is { } s)
            {
                s["defaultMode"] ??= DefaultFileMode;
            }
        }

        if (volume.GetObject("hostPath") is { } hostPath)
        {
            hostPath["type"] ??= "";
        }

        foreach (var item in volume.GetObject("downwardAPI")?.GetArray("items")?.OfType<JsonObject>() ?? [])
        {
            FieldRef(item.GetObject("fieldRef"));
            Divisor(item.GetObject("resourceFieldRef"), quantities);
        }

        foreach (var projection in volume.GetObject("projected")?.GetArray("sources")?.OfType<JsonObject>() ?? [])
        {
            if (projection.GetObject("serviceAccountToken") is { } token)
            {
                token["expirationSeconds"] ??= 3600;
            }

            foreach (var item in projection.GetObject("downwardAPI")?.GetArray("items")?.OfType<JsonObject>() ?? [])
            {
                FieldRef(item.GetObject("fieldRef"));
                Divisor(item.GetObject("resourceFieldRef"), quantities);
            }
        }

        if (volume.GetObject("ephemeral")?.GetObject("volumeClaimTemplate")?.GetObject("spec") is { } claim)
        {
            claim["volumeMode"] ??= "Filesystem";
            quantities.Requirements(claim.GetObject("resources"));
        }
    }
}
