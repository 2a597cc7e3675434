using ModelOperator.Api.Schema;
using ModelOperator.Api.Validation;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Api;

/// <summary>How the serving pods run.</summary>
[Description("How the serving pods run.")]
[CelRule(ReservedEnv.CelRule, ReservedEnv.CelMessage, FieldPath = ".env")]
[CelRule(ReservedEnv.EnvFromCelRule, ReservedEnv.EnvFromCelMessage, FieldPath = ".envFrom")]
[CelRule(PodMetadata.LabelsCelRule, PodMetadata.LabelsCelMessage, FieldPath = ".labels")]
[CelRule(PodMetadata.AnnotationsCelRule, PodMetadata.AnnotationsCelMessage, FieldPath = ".annotations")]
public sealed record RuntimeSpec
{
    [Description("The model server image. When omitted, the operator's configured default image is used.")]
    [Length(1, 512)]
    public string? Image { get; init; }

    [Description("CPU and memory requests and limits of the model server container, as quantity strings (e.g. cpu: \"500m\", memory: \"1Gi\").")]
    public ResourceRequirements? Resources { get; init; }

    [Description("Extra environment variables for the model server container (name with value or valueFrom). The model server's own settings, the dynamic loader's and the .NET runtime's are reserved: " + ReservedEnv.Description + ".")]
    [ItemDescription("An environment variable of the model server container.")]
    [ListMap("name")]
    [Items(0, 64)]
    public IReadOnlyList<EnvVar>? Env { get; init; }

    [Description("Server-side dynamic batching: concurrent requests are run together, up to maxBatchSize rows, waiting at most maxBatchDelay.")]
    public BatchingSpec? Batching { get; init; }

    [Description("Node labels a node must have to run the serving pods.")]
    [ItemDescription("The value the node's label with this key must have.")]
    [Items(0, 32)]
    [MapBounds(317, 63)]
    public IReadOnlyDictionary<string, string>? NodeSelector { get; init; }

    [Description("Taints the serving pods tolerate. Tolerating the control-plane taints (node-role.kubernetes.io/control-plane or master) or every taint (operator Exists without a key) needs the cluster admin's opt-in.")]
    [ItemDescription("A taint the serving pods tolerate, matched by key, value and effect.")]
    [Items(0, 32)]
    public IReadOnlyList<Toleration>? Tolerations { get; init; }

    [Description("Environment variables taken whole from ConfigMaps or Secrets (every key becomes a variable). Each entry needs a prefix that no reserved name begins with (e.g. APP_), so a ConfigMap's keys can never set the model server's own settings; variables in env win over these.")]
    [ItemDescription("Every key of one ConfigMap or Secret in the same namespace, as variables named prefix + key.")]
    [Items(0, 8)]
    public IReadOnlyList<EnvFromSource>? EnvFrom { get; init; }

    [Description("The ServiceAccount the serving pods run as (e.g. one bound to a cloud workload identity for model storage). When omitted, the namespace's default ServiceAccount. The operator still does not mount its API token: a workload identity's own token is projected by the platform.")]
    [Length(1, 253)]
    [Pattern(GatewayApiRouting.DnsSubdomainPattern)]
    public string? ServiceAccountName { get; init; }

    [Description("Secrets in the same namespace holding credentials for the registry of the model server image.")]
    [ItemDescription("A Secret of type kubernetes.io/dockerconfigjson, by name.")]
    [Items(0, 8)]
    public IReadOnlyList<LocalObjectReference>? ImagePullSecrets { get; init; }

    [Description("Node affinity, pod affinity and pod anti-affinity rules of the serving pods, as in a Pod's spec.affinity.")]
    public Affinity? Affinity { get; init; }

    [Description("How the serving pods spread over topology domains (nodes, zones), as in a Pod's spec.topologySpreadConstraints. When omitted, a revision of 2 or more replicas spreads over nodes: maxSkew 1, topologyKey kubernetes.io/hostname, whenUnsatisfiable ScheduleAnyway, selecting the revision's pods. An empty list turns that default off.")]
    [ItemDescription("One spread rule: at most maxSkew more matching pods in one domain of topologyKey than in the emptiest.")]
    [Items(0, 8)]
    public IReadOnlyList<TopologySpreadConstraint>? TopologySpreadConstraints { get; init; }

    [Description("The PriorityClass of the serving pods, by name: it decides which pods the scheduler preempts first when nodes are full.")]
    [Length(1, 253)]
    [Pattern(GatewayApiRouting.DnsSubdomainPattern)]
    public string? PriorityClassName { get; init; }

    [Description("Extra labels on the serving pods (e.g. for cost allocation or network policies). The operator's own labels (" + PodMetadata.ReservedLabelsDescription + ") may not be set here.")]
    [ItemDescription("The label value: at most 63 characters.")]
    [Items(0, 16)]
    [MapBounds(317, 63)]
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    [Description("Extra annotations on the serving pods (e.g. for a service mesh or a log collector). The operator's own annotations (" + PodMetadata.ReservedAnnotationsDescription + ") may not be set here.")]
    [ItemDescription("The annotation value.")]
    [Items(0, 16)]
    [MapBounds(317, 512)]
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    [Description("A PodDisruptionBudget for each serving revision, limiting how many of its pods a node drain may evict at once. When omitted, a revision of 2 or more replicas gets maxUnavailable: 1 and a revision of 1 replica gets none.")]
    public DisruptionBudgetSpec? DisruptionBudget { get; init; }
}

/// <summary>Dynamic batching settings of the model server.</summary>
[Description("Dynamic batching settings of the model server.")]
public sealed record BatchingSpec
{
    [Description("The largest batch in rows; 0 turns batching off.")]
    [Range(0, 65536, Allowed = "{0} (no batching) to {1}")]
    [Default(ModelDeploymentDefaults.MaxBatchSize)]
    public int? MaxBatchSize { get; init; }

    [Description("How long a request may wait for a batch to fill, as a duration from 0 to 1s (e.g. 500us, 2ms).")]
    [Duration]
    [Default(ModelDeploymentDefaults.MaxBatchDelay)]
    public string? MaxBatchDelay { get; init; }
}
