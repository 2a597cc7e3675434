using Microsoft.Extensions.Logging;
using ModelOperator.Api;
using ModelOperator.ControllerRuntime.Informers;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Settings;

namespace ModelOperator.Operator.Hosting;

/// <summary>
/// The informers the operator watches: ModelDeployments (with the resync period), and the kinds it creates — Deployments,
/// Pods, Services, HPAs — filtered by <c>app.kubernetes.io/managed-by=modeloperator</c> and indexed by their controller's
/// UID, plus HTTPRoutes (the user's, unfiltered). All in <see cref="OperatorOptions.WatchNamespace"/> or everywhere.
/// </summary>
public sealed class OperatorInformers
{
    public static string ManagedBySelector => $"{Labels.ManagedBy}={Labels.ManagedByValue}";

    public OperatorInformers(IKubernetesClient client, OperatorOptions options, TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggers);
        var ns = options.WatchNamespace;
        ModelDeployments = new Informer<ModelDeployment>(
            new ResourceListerWatcher<ModelDeployment>(client.Resource<ModelDeployment>(), ns), time, loggers.CreateLogger<Informer<ModelDeployment>>(),
            new InformerOptions { ResyncPeriod = options.ResyncPeriod });
        Deployments = Owned<Deployment>(client, ns, time, loggers);
        Pods = Owned<Pod>(client, ns, time, loggers);
        Services = Owned<Service>(client, ns, time, loggers);
        Autoscalers = Owned<HorizontalPodAutoscaler>(client, ns, time, loggers);
        HttpRoutes = new Informer<HttpRoute>(new ResourceListerWatcher<HttpRoute>(client.Resource<HttpRoute>(), ns), time, loggers.CreateLogger<Informer<HttpRoute>>());
    }

    public Informer<ModelDeployment> ModelDeployments { get; }

    public Informer<Deployment> Deployments { get; }

    public Informer<Pod> Pods { get; }

    public Informer<Service> Services { get; }

    public Informer<HorizontalPodAutoscaler> Autoscalers { get; }

    public Informer<HttpRoute> HttpRoutes { get; }

    public IReadOnlyList<IInformer> All => [ModelDeployments, Deployments, Pods, Services, Autoscalers, HttpRoutes];

    private static Informer<T> Owned<T>(IKubernetesClient client, string? ns, TimeProvider time, ILoggerFactory loggers)
        where T : class, IKubernetesObject<T> =>
        new(new ResourceListerWatcher<T>(client.Resource<T>(), ns, ManagedBySelector), time, loggers.CreateLogger<Informer<T>>(),
            indexers: new Dictionary<string, Func<T, IEnumerable<string>>> { [Indexers.ControllerUidIndex] = Indexers.ControllerUid });
}
