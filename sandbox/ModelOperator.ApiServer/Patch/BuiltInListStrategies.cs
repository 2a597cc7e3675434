namespace ModelOperator.ApiServer.Patch;

/// <summary>
/// The patch merge keys of the built-in kinds that <c>kubectl apply</c> relies on (from their
/// <c>patchMergeKey</c>/<c>patchStrategy</c> tags). Lists not named here are replaced whole.
/// </summary>
internal static class BuiltInListStrategies
{
    private static readonly HashSet<string> ContainerLists = ["containers", "initContainers", "ephemeralContainers"];

    public static ListStrategy Resolve(IReadOnlyList<string> path)
    {
        if (path.Count == 0)
        {
            return ListStrategy.Atomic;
        }

        var field = path[^1];
        var parent = path.Count >= 2 ? path[^2] : "";
        return field switch
        {
            "containers" or "initContainers" or "ephemeralContainers" => ListStrategy.ByKey("name"),
            "env" or "volumes" or "imagePullSecrets" or "resourceClaims" or "schedulingGates" => ListStrategy.ByKey("name"),
            "volumeMounts" => ListStrategy.ByKey("mountPath"),
            "volumeDevices" => ListStrategy.ByKey("devicePath"),
            "ports" when ContainerLists.Contains(parent) => ListStrategy.ByKey("containerPort"),
            "ports" when parent == "spec" => ListStrategy.ByKey("port"),
            "conditions" => ListStrategy.ByKey("type"),
            "ownerReferences" when parent == "metadata" => ListStrategy.ByKey("uid"),
            "finalizers" when parent == "metadata" => ListStrategy.Set,
            "hostAliases" => ListStrategy.ByKey("ip"),
            "topologySpreadConstraints" => ListStrategy.ByKey("topologyKey"),
            _ => ListStrategy.Atomic,
        };
    }
}
