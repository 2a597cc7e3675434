using ModelOperator.Kubernetes.Models;

namespace ModelOperator.ControllerRuntime.Tests.Support;

internal static class Objects
{
    public static Lease Lease(string ns, string name, string resourceVersion, string? holder = null, OwnerReference? owner = null) => new()
    {
        Metadata = new ObjectMeta
        {
            Namespace = ns,
            Name = name,
            Uid = $"uid-{ns}-{name}",
            ResourceVersion = resourceVersion,
            OwnerReferences = owner is null ? null : [owner],
        },
        Spec = new LeaseSpec { HolderIdentity = holder },
    };

    public static OwnerReference ControllerRef(string kind, string name, string uid, string apiVersion = "example.com/v1") => new()
    {
        ApiVersion = apiVersion,
        Kind = kind,
        Name = name,
        Uid = uid,
        Controller = true,
    };
}
