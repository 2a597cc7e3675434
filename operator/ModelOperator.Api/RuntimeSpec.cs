using ModelOperator.Api.Schema;
using ModelOperator.Api.Validation;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Api;

/// <summary>How the serving pods run.</summary>
[Description("How the serving pods run.")]
[CelRule(ReservedEnv.CelRule, ReservedEnv.CelMessage, FieldPath = ".env")]
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
