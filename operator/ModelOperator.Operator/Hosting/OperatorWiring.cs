using Microsoft.Extensions.Logging;
using ModelOperator.Api;
using ModelOperator.ControllerRuntime.Controllers;
using ModelOperator.ControllerRuntime.Events;
using ModelOperator.ControllerRuntime.Hosting;
using ModelOperator.ControllerRuntime.LeaderElection;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Analysis;
using ModelOperator.Operator.Analysis.UserMetrics;
using ModelOperator.Operator.Health;
using ModelOperator.Operator.Http;
using ModelOperator.Operator.Load;
using ModelOperator.Operator.Reconciling;
using ModelOperator.Operator.Secrets;
using ModelOperator.Operator.Settings;
using ModelOperator.Operator.Webhooks;
using Prometheus;

namespace ModelOperator.Operator.Hosting;

/// <summary>
/// Puts the operator together: informers, the reconciler on their caches, the controller (owned objects map to their
/// owner's key; an HTTPRoute maps to the ModelDeployments that name it), optional leader election, and the manager.
/// </summary>
public static class OperatorWiring
{
    public static Manager Create(IKubernetesClient client, OperatorOptions options, TimeProvider time, ILoggerFactory loggers, CollectorRegistry registry, OutboundHttp http)
    {
        // Headers from Secrets (web metrics, webhooks): read by name when a call is made, through one short cache.
        var secrets = new SecretHeaderReader(client.Resource<Secret>(), time);
        var (providers, probe, load) = OutboundParts(options, http, loggers, secrets);
        return Create(client, options, time, loggers, registry, providers, probe, load, stableDrift: StableDrift(options, http, loggers), webhookHttp: http, secrets: secrets);
    }

    /// <summary>The parts of the reconciler that call pods and Prometheus, all through <paramref name="http"/>.</summary>
    internal static (Func<AnalysisSpec?, IAnalysisProvider> Providers, IModelReadinessProbe Probe, ILoadSource Load) OutboundParts(
        OperatorOptions options, OutboundHttp http, ILoggerFactory loggers, SecretHeaderReader? secrets = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggers);
        // Metrics may live on their own port (MODELSERVER_METRICS_PORT); the ready endpoint stays on the serving port.
        var scraper = new HttpPodScraper(http, options.ModelServerMetricsPort ?? options.ModelServerPort, null, options.PodPortAnnotation);
        var direct = new DirectAnalysisProvider(scraper, loggers.CreateLogger<DirectAnalysisProvider>());
        var prometheus = new PrometheusAnalysisProvider(http, options.PrometheusAllowedAddresses, loggers.CreateLogger<PrometheusAnalysisProvider>());

        // A not-ready pod is asked why with a short timeout: it sits on the reconcile path of every not-ready pod.
        var probeTimeout = options.AnalysisTimeout < TimeSpan.FromSeconds(2) ? options.AnalysisTimeout : TimeSpan.FromSeconds(2);
        var probe = new HttpModelReadinessProbe(new HttpPodScraper(http, options.ModelServerPort, probeTimeout, options.PodPortAnnotation), loggers.CreateLogger<HttpModelReadinessProbe>());
        var load = new DirectLoadSource(scraper, loggers.CreateLogger<DirectLoadSource>());
        // User metrics (spec.rollout.analysis.metrics) are measured beside either provider's built-in ones.
        var userMetrics = new UserMetricSource(http, prometheus, options.AnalysisWebAllowedPrefixes, loggers.CreateLogger<UserMetricSource>(), secrets);
        IAnalysisProvider withDirect = new WithUserMetrics(direct, userMetrics), withPrometheus = new WithUserMetrics(prometheus, userMetrics);
        return (spec => spec?.Provider?.Prometheus is not null ? withPrometheus : withDirect, probe, load);
    }

    /// <summary>Reads the stable revision's drift where the analysis reads the canary's (pods, or Prometheus).</summary>
    internal static StableDriftSource StableDrift(OperatorOptions options, OutboundHttp http, ILoggerFactory loggers) => new(
        new HttpPodScraper(http, options.ModelServerMetricsPort ?? options.ModelServerPort, null, options.PodPortAnnotation),
        new PrometheusAnalysisProvider(http, options.PrometheusAllowedAddresses, loggers.CreateLogger<PrometheusAnalysisProvider>()),
        loggers.CreateLogger<StableDriftSource>());

    /// <summary>
    /// The same wiring with the measuring, probing and load-reading parts given (tests pass fakes for the pods' endpoints), and an
    /// optional leader-election identity (default: the pod name or host name).
    /// </summary>
    internal static Manager Create(
        IKubernetesClient client,
        OperatorOptions options,
        TimeProvider time,
        ILoggerFactory loggers,
        CollectorRegistry registry,
        Func<AnalysisSpec?, IAnalysisProvider> providers,
        IModelReadinessProbe probe,
        ILoadSource load,
        string? identity = null,
        StableDriftSource? stableDrift = null,
        OutboundHttp? webhookHttp = null,
        SecretHeaderReader? secrets = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggers);
        var informers = new OperatorInformers(client, options, time, loggers);
        var recorder = new EventRecorder(client.Resource<Event>(), time, loggers.CreateLogger<EventRecorder>());
        var metrics = new OperatorMetrics(registry);
        // Webhook calls run in the background (never on a reconcile worker); a result wakes its ModelDeployment.
        var webhooks = webhookHttp is null ? null
            : new WebhookDispatcher(webhookHttp, options.AnalysisWebAllowedPrefixes, metrics, time, loggers.CreateLogger<WebhookDispatcher>(),
                secrets ?? new SecretHeaderReader(client.Resource<Secret>(), time), recorder);
        var reconciler = new ModelDeploymentReconciler(
            client, new CacheClusterView(informers),
            providers, probe, load,
            recorder, options, metrics, time, loggers.CreateLogger<ModelDeploymentReconciler>(), stableDrift, webhooks);
        // Every outbound call of one reconcile shares its budget (OUTBOUND_CONCURRENCY at once, OUTBOUND_DEADLINE in all).
        var controller = new Controller("modeldeployments", new OutboundBudgetReconciler(reconciler, options, time), time, loggers.CreateLogger<Controller>(),
            new ControllerOptions { Workers = options.Workers }, new ControllerMetrics(registry));

        if (webhooks is not null)
        {
            webhooks.Wake = controller.Queue.Add;
        }

        informers.ModelDeployments.AddEventHandler(EnqueueHandlers.ForObject<ModelDeployment>(controller.Queue));
        informers.Deployments.AddEventHandler(EnqueueHandlers.ForControllerOwner<Deployment>(controller.Queue, ModelDeployment.Group, ModelDeployment.KindName));
        informers.Services.AddEventHandler(EnqueueHandlers.ForControllerOwner<Service>(controller.Queue, ModelDeployment.Group, ModelDeployment.KindName));
        informers.Autoscalers.AddEventHandler(EnqueueHandlers.ForControllerOwner<HorizontalPodAutoscaler>(controller.Queue, ModelDeployment.Group, ModelDeployment.KindName));
        informers.DisruptionBudgets.AddEventHandler(EnqueueHandlers.ForControllerOwner<PodDisruptionBudget>(controller.Queue, ModelDeployment.Group, ModelDeployment.KindName));
        informers.ConfigMaps.AddEventHandler(EnqueueHandlers.ForControllerOwner<ConfigMap>(controller.Queue, ModelDeployment.Group, ModelDeployment.KindName));
        informers.Pods.AddEventHandler(EnqueueHandlers.Mapping<Pod>(controller.Queue, pod =>
            pod.Metadata.Labels?.TryGetValue(Labels.Deployment, out var name) == true ? [new ObjectKey(pod.Metadata.Namespace ?? string.Empty, name)] : []));
        informers.HttpRoutes.AddEventHandler(EnqueueHandlers.Mapping<HttpRoute>(controller.Queue, route =>
            informers.ModelDeployments.Cache.List(route.Metadata.Namespace ?? string.Empty)
                .Where(md => md.Spec?.Rollout?.TrafficRouting?.GatewayApi?.HttpRoute == route.Metadata.Name)
                .Select(ObjectKey.From)));

        var elector = options.LeaderElection
            ? new LeaderElector(new LeaseLock(client.Resource<Lease>(), options.LeaseNamespace ?? client.DefaultNamespace, options.LeaseName), time, loggers.CreateLogger<LeaderElector>(),
                new LeaderElectionOptions { Identity = identity })
            : null;
        // client-go's leader gauge, so that "no replica leads" can be alerted on; without leader
        // election this replica is the only one and always leads.
        var leading = Prometheus.Metrics.WithCustomRegistry(registry)
            .CreateGauge("leader_election_master_status", "1 while this replica holds the leader Lease, else 0.", ["name"])
            .WithLabels(options.LeaseName);
        registry.AddBeforeCollectCallback(() => leading.Set(elector is null || elector.IsLeader ? 1 : 0));
        var manager = new Manager(elector, loggers.CreateLogger<Manager>());
        foreach (var informer in informers.All)
        {
            manager.AddInformer(informer);
        }

        return manager.AddController(controller);
    }
}
