using System.Text.Json;
using System.Text.Json.Serialization;

namespace ModelOperator.Kubernetes.Models;

/// <summary>The template a workload stamps pods from.</summary>
public sealed record PodTemplateSpec
{
    public ObjectMeta? Metadata { get; init; }

    public PodSpec? Spec { get; init; }
}

/// <summary>core/v1 PodSpec, the parts the operator uses; the rest survives in <see cref="ExtensionData"/>.</summary>
public sealed record PodSpec
{
    public IReadOnlyList<Container>? InitContainers { get; init; }

    public IReadOnlyList<Container>? Containers { get; init; }

    public IReadOnlyList<Volume>? Volumes { get; init; }

    public IReadOnlyDictionary<string, string>? NodeSelector { get; init; }

    public IReadOnlyList<Toleration>? Tolerations { get; init; }

    public string? ServiceAccountName { get; init; }

    public bool? AutomountServiceAccountToken { get; init; }

    public long? TerminationGracePeriodSeconds { get; init; }

    public string? RestartPolicy { get; init; }

    public PodSecurityContext? SecurityContext { get; init; }

    public string? NodeName { get; init; }

    public Affinity? Affinity { get; init; }

    public IReadOnlyList<TopologySpreadConstraint>? TopologySpreadConstraints { get; init; }

    public IReadOnlyList<LocalObjectReference>? ImagePullSecrets { get; init; }

    public string? PriorityClassName { get; init; }

    /// <summary>Fields this client does not model, kept so that writing the object back does not drop them. Set by the serializer only.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? ExtensionData { get; set; }
}

public sealed record Container
{
    public required string Name { get; init; }

    public string? Image { get; init; }

    public string? ImagePullPolicy { get; init; }

    public IReadOnlyList<string>? Command { get; init; }

    public IReadOnlyList<string>? Args { get; init; }

    public IReadOnlyList<EnvVar>? Env { get; init; }

    public IReadOnlyList<EnvFromSource>? EnvFrom { get; init; }

    public IReadOnlyList<ContainerPort>? Ports { get; init; }

    public ResourceRequirements? Resources { get; init; }

    public Probe? LivenessProbe { get; init; }

    public Probe? ReadinessProbe { get; init; }

    public Probe? StartupProbe { get; init; }

    public SecurityContext? SecurityContext { get; init; }

    public IReadOnlyList<VolumeMount>? VolumeMounts { get; init; }

    /// <summary>Fields this client does not model, kept so that writing the object back does not drop them. Set by the serializer only.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? ExtensionData { get; set; }
}

public sealed record EnvVar
{
    public required string Name { get; init; }

    public string? Value { get; init; }

    /// <summary>valueFrom (secretKeyRef, configMapKeyRef, fieldRef, …) kept as raw JSON.</summary>
    public JsonElement? ValueFrom { get; init; }
}

public sealed record ContainerPort
{
    public string? Name { get; init; }

    /// <summary>The port number (JSON <c>containerPort</c>).</summary>
    [JsonPropertyName("containerPort")]
    public required int Port { get; init; }

    public string? Protocol { get; init; }
}

/// <summary>Requests and limits as Kubernetes quantities, e.g. <c>cpu: 500m</c>, <c>memory: 1Gi</c>.</summary>
public sealed record ResourceRequirements
{
    public IReadOnlyDictionary<string, string>? Requests { get; init; }

    public IReadOnlyDictionary<string, string>? Limits { get; init; }
}

public sealed record Probe
{
    public HttpGetAction? HttpGet { get; init; }

    public TcpSocketAction? TcpSocket { get; init; }

    public ExecAction? Exec { get; init; }

    public GrpcAction? Grpc { get; init; }

    public int? InitialDelaySeconds { get; init; }

    public int? PeriodSeconds { get; init; }

    public int? TimeoutSeconds { get; init; }

    public int? SuccessThreshold { get; init; }

    public int? FailureThreshold { get; init; }
}

public sealed record HttpGetAction
{
    public string? Path { get; init; }

    public required IntOrString Port { get; init; }

    public string? Scheme { get; init; }
}

public sealed record TcpSocketAction
{
    public required IntOrString Port { get; init; }
}

public sealed record ExecAction
{
    public IReadOnlyList<string>? Command { get; init; }
}

public sealed record GrpcAction
{
    public required int Port { get; init; }

    public string? Service { get; init; }
}

/// <summary>Container-level security settings.</summary>
public sealed record SecurityContext
{
    public bool? RunAsNonRoot { get; init; }

    public long? RunAsUser { get; init; }

    public long? RunAsGroup { get; init; }

    public bool? ReadOnlyRootFilesystem { get; init; }

    public bool? AllowPrivilegeEscalation { get; init; }

    public bool? Privileged { get; init; }

    public Capabilities? Capabilities { get; init; }

    public SeccompProfile? SeccompProfile { get; init; }
}

public sealed record Capabilities
{
    public IReadOnlyList<string>? Add { get; init; }

    public IReadOnlyList<string>? Drop { get; init; }
}

public sealed record SeccompProfile
{
    /// <summary><c>RuntimeDefault</c>, <c>Localhost</c> or <c>Unconfined</c>.</summary>
    public required string Type { get; init; }

    public string? LocalhostProfile { get; init; }
}

/// <summary>Pod-level security settings.</summary>
public sealed record PodSecurityContext
{
    public bool? RunAsNonRoot { get; init; }

    public long? RunAsUser { get; init; }

    public long? RunAsGroup { get; init; }

    public long? FsGroup { get; init; }

    public SeccompProfile? SeccompProfile { get; init; }

    /// <summary>Fields this client does not model, kept so that writing the object back does not drop them. Set by the serializer only.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? ExtensionData { get; set; }
}

public sealed record VolumeMount
{
    public required string Name { get; init; }

    public required string MountPath { get; init; }

    public string? SubPath { get; init; }

    public bool? ReadOnly { get; init; }
}

/// <summary>A pod volume. Common sources are typed; any other source is kept in <see cref="ExtensionData"/>.</summary>
public sealed record Volume
{
    public required string Name { get; init; }

    public EmptyDirVolumeSource? EmptyDir { get; init; }

    public ConfigMapVolumeSource? ConfigMap { get; init; }

    public SecretVolumeSource? Secret { get; init; }

    public PersistentVolumeClaimVolumeSource? PersistentVolumeClaim { get; init; }

    /// <summary>Fields this client does not model, kept so that writing the object back does not drop them. Set by the serializer only.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? ExtensionData { get; set; }
}

public sealed record EmptyDirVolumeSource
{
    public string? Medium { get; init; }

    /// <summary>A quantity, e.g. <c>1Gi</c>.</summary>
    public string? SizeLimit { get; init; }
}

public sealed record ConfigMapVolumeSource
{
    public string? Name { get; init; }

    public bool? Optional { get; init; }

    public int? DefaultMode { get; init; }
}

public sealed record SecretVolumeSource
{
    public string? SecretName { get; init; }

    public bool? Optional { get; init; }

    public int? DefaultMode { get; init; }
}

public sealed record PersistentVolumeClaimVolumeSource
{
    public required string ClaimName { get; init; }

    public bool? ReadOnly { get; init; }
}

public sealed record Toleration
{
    public string? Key { get; init; }

    /// <summary><c>Exists</c> or <c>Equal</c>.</summary>
    public string? Operator { get; init; }

    public string? Value { get; init; }

    /// <summary><c>NoSchedule</c>, <c>PreferNoSchedule</c> or <c>NoExecute</c>.</summary>
    public string? Effect { get; init; }

    public long? TolerationSeconds { get; init; }
}
