using Microsoft.Extensions.Logging;
using ModelOperator.Api;
using ModelOperator.ControllerRuntime.Informers;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Kubernetes.Watching;
using ModelOperator.Operator.Settings;

namespace ModelOperator.Operator.Hosting;

/// <summary>
/// The informers the operator watches: ModelDeployments (with the resync period), and the kinds it creates — Deployments,
/// Pods, Services, HPAs — filtered by <c>app.kubernetes.io/managed-by=modeloperator</c> and indexed by their controller's
/// UID (pods, which a ReplicaSet controls, by their ModelDeployment instead), plus HTTPRoutes (the user's, unfiltered;
/// an empty kind while the Gateway API CRDs are not installed, see <see cref="OptionalApiListerWatcher{T}"/>).
/// All in <see cref="OperatorOptions.WatchNamespaces"/> (each listed and watched on its own, so a Role in each suffices)
/// or, when that is empty, everywhere; objects elsewhere never reach a cache, so they are never reconciled.
/// The caches hold every such object for the life of the process, so objects are read straight into a trimmed shape
/// (<see cref="OperatorCacheTransforms"/>): no object keeps <c>managedFields</c>, a cached Pod has no spec, and equal
/// strings of cached objects share one instance (<see cref="StringPool"/>), without decoding anything twice.
/// </summary>
public sealed class OperatorInformers
{
    public static string ManagedBySelector => $"{Labels.ManagedBy}={Labels.ManagedByValue}";

    /// <summary>Name of the Pods cache's index by owning ModelDeployment; values are <see cref="ModelDeploymentIndexValue"/>.</summary>
    public const string PodsByModelDeploymentIndex = "modeldeployment";

    /// <summary>The value a ModelDeployment's pods are indexed under: <c>namespace/name</c>.</summary>
    public static string ModelDeploymentIndexValue(ObjectKey modelDeployment) => $"{modelDeployment.Namespace}/{modelDeployment.Name}";

    /// <summary>
    /// A watch silent this long (no event and no bookmark; a real API server sends a bookmark about every minute) is
    /// abandoned and resumed, so a connection that died without a FIN cannot freeze a cache.
    /// </summary>
    private static readonly TimeSpan WatchIdleTimeout = TimeSpan.FromMinutes(3);

    private static readonly InformerOptions Watching = new() { WatchIdleTimeout = WatchIdleTimeout };

    public OperatorInformers(IKubernetesClient client, OperatorOptions options, TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggers);
        var namespaces = options.WatchNamespaces;
        var strings = new StringPool();
        ModelDeployments = Scoped(namespaces, ns => new ResourceListerWatcher<ModelDeployment>(Reading<ModelDeployment>(client, strings), ns), time, loggers,
            new InformerOptions { ResyncPeriod = options.ResyncPeriod, WatchIdleTimeout = WatchIdleTimeout }, transform: CacheTransforms.StripManagedFields);
        Deployments = Owned<Deployment>(client, namespaces, time, loggers, strings);
        Pods = PodInformer(client, namespaces, time, loggers, strings);
        Services = Owned<Service>(client, namespaces, time, loggers, strings);
        Autoscalers = Owned<HorizontalPodAutoscaler>(client, namespaces, time, loggers, strings);
        DisruptionBudgets = Owned<PodDisruptionBudget>(client, namespaces, time, loggers, strings);
        // Only the operator's shadow instructions (labelled like every child): one small object per ModelDeployment in a
        // shadow step. Its data stays cached: the applier compares it to decide whether to write.
        ConfigMaps = Owned<ConfigMap>(client, namespaces, time, loggers, strings);
        // Gateway API is optional: a cluster without its CRDs must not keep the operator from starting.
        HttpRoutes = Scoped(namespaces,
            ns => new OptionalApiListerWatcher<HttpRoute>(new ResourceListerWatcher<HttpRoute>(Reading<HttpRoute>(client, strings), ns),
                "HTTPRoute (gateway.networking.k8s.io/v1)", TimeSpan.FromMinutes(1), time, loggers.CreateLogger<OptionalApiListerWatcher<HttpRoute>>()),
            time, loggers, Watching, transform: CacheTransforms.StripManagedFields);
    }

    public Informer<ModelDeployment> ModelDeployments { get; }

    public Informer<Deployment> Deployments { get; }

    public Informer<Pod> Pods { get; }

    public Informer<Service> Services { get; }

    public Informer<HorizontalPodAutoscaler> Autoscalers { get; }

    public Informer<PodDisruptionBudget> DisruptionBudgets { get; }

    public Informer<HttpRoute> HttpRoutes { get; }

    public Informer<ConfigMap> ConfigMaps { get; }

    public IReadOnlyList<IInformer> All => [ModelDeployments, Deployments, Pods, Services, Autoscalers, DisruptionBudgets, HttpRoutes, ConfigMaps];

    /// <summary>A pod is found under its ModelDeployment by the deployment label the operator puts on the pod template.</summary>
    internal static IEnumerable<string> ByModelDeployment(Pod pod) =>
        pod.Metadata.Labels?.TryGetValue(Labels.Deployment, out var name) == true
            ? [ModelDeploymentIndexValue(new ObjectKey(pod.Metadata.Namespace ?? string.Empty, name))]
            : [];

    /// <summary>
    /// The operator's Pod informer: pods it manages, indexed by their ModelDeployment, cached without spec or managedFields.
    /// Public so that the informer benchmark measures exactly what the operator caches.
    /// </summary>
    public static Informer<Pod> PodInformer(IKubernetesClient client, string? ns, TimeProvider time, ILoggerFactory loggers, StringPool strings) =>
        PodInformer(client, ns is null ? [] : [ns], time, loggers, strings);

    private static Informer<Pod> PodInformer(IKubernetesClient client, IReadOnlyList<string> namespaces, TimeProvider time, ILoggerFactory loggers, StringPool strings) =>
        Scoped(namespaces, ns => new ResourceListerWatcher<Pod>(Reading<Pod>(client, strings), ns, ManagedBySelector), time, loggers, Watching,
            indexers: new Dictionary<string, Func<Pod, IEnumerable<string>>> { [PodsByModelDeploymentIndex] = ByModelDeployment },
            transform: OperatorCacheTransforms.Pod);

    /// <summary>An informer over every namespace (no namespaces given), or with one source per given namespace.</summary>
    private static Informer<T> Scoped<T>(
        IReadOnlyList<string> namespaces, Func<string?, IListerWatcher<T>> source, TimeProvider time, ILoggerFactory loggers, InformerOptions options,
        IReadOnlyDictionary<string, Func<T, IEnumerable<string>>>? indexers = null, Func<T, T>? transform = null)
        where T : class, IKubernetesObject<T>
    {
        ArgumentNullException.ThrowIfNull(loggers);
        var logger = loggers.CreateLogger<Informer<T>>();
        return namespaces.Count == 0
            ? new Informer<T>(source(null), time, logger, options, indexers, transform)
            : new Informer<T>(namespaces.Distinct(StringComparer.Ordinal).ToDictionary(ns => ns, ns => source(ns), StringComparer.Ordinal), time, logger, options, indexers, transform);
    }

    /// <summary>A client that reads <typeparamref name="T"/> into its cached shape, with one string pool shared by every cache (the same label keys recur across kinds).</summary>
    private static IResourceClient<T> Reading<T>(IKubernetesClient client, StringPool strings)
        where T : class, IKubernetesObject<T> =>
        client.Resource<T>(OperatorCacheTransforms.Decoding<T>(strings));

    private static Informer<T> Owned<T>(IKubernetesClient client, IReadOnlyList<string> namespaces, TimeProvider time, ILoggerFactory loggers, StringPool strings)
        where T : class, IKubernetesObject<T> =>
        Scoped(namespaces, ns => new ResourceListerWatcher<T>(Reading<T>(client, strings), ns, ManagedBySelector), time, loggers, Watching,
            indexers: new Dictionary<string, Func<T, IEnumerable<string>>> { [Indexers.ControllerUidIndex] = Indexers.ControllerUid },
            transform: CacheTransforms.StripManagedFields);
}
