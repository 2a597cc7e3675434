using System.Text.Json.Nodes;
using ModelOperator.Api;
using ModelOperator.Contracts;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Rollouts.Planning;

namespace ModelOperator.Operator.Children;

/// <summary>
/// The children of a shadow step (pure): the ConfigMap <c>&lt;md-name&gt;-shadow</c> holding the instruction the stable
/// servers read (<see cref="ShadowContract"/>), and the canary's own Service, which the instruction's target names (with
/// Gateway API routing it exists anyway as a route backend; with replica-ratio routing only for the shadow step).
/// </summary>
public static class ShadowChildren
{
    /// <summary>The ConfigMap's name for a ModelDeployment.</summary>
    public static string ConfigMapName(string deploymentName) => deploymentName + ShadowContract.ConfigMapSuffix;

    /// <summary>
    /// The base URL of a revision's Service as cluster DNS resolves it: <c>http://&lt;revision&gt;.&lt;namespace&gt;.svc:80</c>.
    /// </summary>
    public static string TargetUrl(string revision, string @namespace) => $"http://{revision}.{@namespace}.svc:{ChildNames.ServicePort}";

    /// <summary>The ConfigMaps the plan wants: the instruction while a shadow step runs, none otherwise (which deletes it).</summary>
    public static IReadOnlyList<ConfigMap> ConfigMaps(ModelDeployment md, ShadowPlan? shadow) => shadow is null ? [] : [BuildConfigMap(md, shadow)];

    /// <summary>The Services the plan wants with the canary's own Service added while it is a shadow target.</summary>
    public static IReadOnlyList<Service> WithTargetService(ModelDeployment md, IReadOnlyList<Service> services, ShadowPlan? shadow)
    {
        ArgumentNullException.ThrowIfNull(services);
        return shadow is null || services.Any(s => s.Metadata.Name == shadow.Target)
            ? services
            : [.. services, ServiceBuilder.BuildRevision(md, shadow.Target)];
    }

    public static ConfigMap BuildConfigMap(ModelDeployment md, ShadowPlan shadow)
    {
        ArgumentNullException.ThrowIfNull(md);
        ArgumentNullException.ThrowIfNull(shadow);
        var name = md.Metadata.Name!;
        // Written by hand rather than through a serializer context: four fields, the contract's camelCase names.
        var instruction = new JsonObject
        {
            ["source"] = shadow.Source,
            ["target"] = TargetUrl(shadow.Target, md.Metadata.Namespace!),
            ["percent"] = shadow.Percent,
            ["tolerance"] = shadow.Tolerance,
        };
        return new ConfigMap
        {
            Metadata = new ObjectMeta
            {
                Name = ConfigMapName(name),
                Namespace = md.Metadata.Namespace,
                Labels = ChildNames.CommonLabels(name),
                OwnerReferences = [ChildNames.OwnerOf(md)],
            },
            Data = new Dictionary<string, string>(StringComparer.Ordinal) { [ShadowContract.ConfigKey] = instruction.ToJsonString() },
        };
    }
}
