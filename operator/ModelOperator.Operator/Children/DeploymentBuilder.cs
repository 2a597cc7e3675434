using System.Globalization;
using System.Text.Json;
using ModelOperator.Api;
using ModelOperator.Contracts;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Settings;
using ModelOperator.Rollouts.Planning;

namespace ModelOperator.Operator.Children;

/// <summary>
/// Builds the Deployment of one revision (pure): the model server image with its settings from the spec, probes on the
/// server's health endpoints, the restricted pod security profile, a writable emptyDir at <c>/tmp</c> for the model cache,
/// read-only PersistentVolumeClaim mounts for <c>pvc://</c> URIs, Prometheus scrape annotations and the operator's labels.
/// It takes the planner's <see cref="DesiredRevision"/>, whose spec is already resolved (image, batching): it applies no
/// default of its own.
/// </summary>
public static class DeploymentBuilder
{
    public const string TmpVolume = "tmp";
    public const string TmpPath = "/tmp";
    public const string ModelCacheDir = "/tmp/models";

    /// <summary>
    /// The largest model a pod downloads (the server's MAX_MODEL_BYTES, set by the operator): 2 GiB, the most a single
    /// ONNX file can hold (protobuf's limit).
    /// </summary>
    public const long MaxModelBytes = 2L << 30;

    /// <summary>
    /// The <c>sizeLimit</c> of the <c>/tmp</c> emptyDir: one model (the server removes an old copy before downloading
    /// again) plus 512 Mi for the profile, ONNX Runtime's and .NET's temporary files. A pod that writes more is evicted
    /// alone, instead of filling the node's disk and getting other pods evicted.
    /// </summary>
    public static readonly string TmpSizeLimit = string.Create(CultureInfo.InvariantCulture, $"{(MaxModelBytes >> 20) + 512}Mi");

    /// <summary>
    /// The Deployments the plan wants: one built per revision with a spec, and a revision without one (its Deployment
    /// recorded none) kept as observed, only scaled. A revision with neither is left out.
    /// </summary>
    public static IReadOnlyList<Deployment> ForPlan(ModelDeployment md, IReadOnlyList<DesiredRevision> revisions, IReadOnlyList<Deployment> observed, OperatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(revisions);
        ArgumentNullException.ThrowIfNull(observed);
        var wanted = new List<Deployment>();
        foreach (var revision in revisions)
        {
            if (revision.Spec is not null)
            {
                wanted.Add(Build(md, revision, options));
            }
            else if (observed.FirstOrDefault(d => d.Metadata.Name == revision.Name) is { Spec: { } spec } kept)
            {
                wanted.Add(kept with { Spec = spec with { Replicas = revision.Replicas }, Status = null });
            }
        }

        return wanted;
    }

    public static Deployment Build(ModelDeployment md, DesiredRevision revision, OperatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(md);
        ArgumentNullException.ThrowIfNull(revision);
        ArgumentNullException.ThrowIfNull(options);
        var spec = revision.Spec ?? throw new ArgumentException($"Revision {revision.Name} has no spec to build a Deployment from.", nameof(revision));
        var mdName = md.Metadata.Name!;
        var labels = ChildNames.RevisionLabels(mdName, revision.Name);
        var runtime = spec.Runtime;
        var image = runtime.Image;
        var (env, claims) = Environment(spec, options.ModelServerPort, options.ModelServerMetricsPort);

        var volumes = new List<Volume> { new() { Name = TmpVolume, EmptyDir = new EmptyDirVolumeSource { SizeLimit = TmpSizeLimit } } };
        var mounts = new List<VolumeMount> { new() { Name = TmpVolume, MountPath = TmpPath } };
        for (var i = 0; i < claims.Count; i++)
        {
            var volumeName = string.Create(CultureInfo.InvariantCulture, $"model-pvc-{i}");
            volumes.Add(new Volume { Name = volumeName, PersistentVolumeClaim = new PersistentVolumeClaimVolumeSource { ClaimName = claims[i], ReadOnly = true } });
            mounts.Add(new VolumeMount { Name = volumeName, MountPath = ModelUri.MountPath(claims[i]), ReadOnly = true });
        }

        ShadowPodTemplate.Add(mdName, revision.Name, env, volumes, mounts);

        var port = options.ModelServerPort;
        var container = new Container
        {
            Name = ChildNames.Container,
            Image = image,
            Ports = options.ModelServerMetricsPort is { } metricsPort
                ? [new ContainerPort { Name = ChildNames.PortName, Port = port, Protocol = "TCP" }, Grpc, new ContainerPort { Name = ChildNames.MetricsPortName, Port = metricsPort, Protocol = "TCP" }]
                : [new ContainerPort { Name = ChildNames.PortName, Port = port, Protocol = "TCP" }, Grpc],
            Env = env,
            Resources = runtime.Resources,
            LivenessProbe = new Probe
            {
                HttpGet = new HttpGetAction { Path = "/v2/health/live", Port = IntOrString.FromString(ChildNames.PortName) },
                PeriodSeconds = 10,
                FailureThreshold = 3,
                TimeoutSeconds = 2,
            },
            ReadinessProbe = new Probe
            {
                HttpGet = new HttpGetAction { Path = "/v2/health/ready", Port = IntOrString.FromString(ChildNames.PortName) },
                PeriodSeconds = 5,
                FailureThreshold = 2,
                TimeoutSeconds = 2,
            },
            SecurityContext = new SecurityContext
            {
                RunAsNonRoot = true,
                ReadOnlyRootFilesystem = true,
                AllowPrivilegeEscalation = false,
                Capabilities = new Capabilities { Drop = ["ALL"] },
                SeccompProfile = new SeccompProfile { Type = "RuntimeDefault" },
            },
            VolumeMounts = mounts,
        };

        var revisionSpec = JsonSerializer.Serialize(new ModelDeploymentSpec { Model = spec.Model, Runtime = spec.Runtime }, ModelDeploymentJsonContext.Default.ModelDeploymentSpec);
        return PodPlacement.Apply(new Deployment
        {
            Metadata = new ObjectMeta
            {
                Name = revision.Name,
                Namespace = md.Metadata.Namespace,
                Labels = labels,
                Annotations = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    [ChildNames.RevisionSpecAnnotation] = revisionSpec,
                },
                OwnerReferences = [ChildNames.OwnerOf(md)],
            },
            Spec = new DeploymentSpec
            {
                Replicas = revision.Replicas,
                Selector = new LabelSelector { MatchLabels = ChildNames.RevisionSelector(mdName, revision.Name) },
                Template = new PodTemplateSpec
                {
                    Metadata = new ObjectMeta
                    {
                        Labels = ChildNames.RevisionLabels(mdName, revision.Name),
                        Annotations = new Dictionary<string, string>(StringComparer.Ordinal)
                        {
                            ["prometheus.io/scrape"] = "true",
                            ["prometheus.io/port"] = (options.ModelServerMetricsPort ?? port).ToString(CultureInfo.InvariantCulture),
                            ["prometheus.io/path"] = "/metrics",
                        },
                    },
                    Spec = new PodSpec
                    {
                        Containers = [container],
                        Volumes = volumes,
                        NodeSelector = runtime.NodeSelector is { Count: > 0 } nodes ? new SortedDictionary<string, string>(nodes.ToDictionary(), StringComparer.Ordinal) : null,
                        Tolerations = runtime.Tolerations is { Count: > 0 } tolerations ? tolerations : null,
                        AutomountServiceAccountToken = false,
                        TerminationGracePeriodSeconds = ModelStorageEnvBuilder.TerminationGracePeriodSeconds(spec),
                        SecurityContext = new PodSecurityContext
                        {
                            RunAsNonRoot = true,
                            SeccompProfile = new SeccompProfile { Type = "RuntimeDefault" },
                        },
                    },
                },
            },
        }, runtime, PodPlacement.SpreadsByDefault(md.Spec));
    }

    /// <summary>Reads back the model and runtime a Deployment was built from (its revision-spec annotation); null when absent or unreadable.</summary>
    public static ModelDeploymentSpec? ReadRevisionSpec(Deployment deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        if (deployment.Metadata.Annotations?.TryGetValue(ChildNames.RevisionSpecAnnotation, out var json) != true || string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            var spec = JsonSerializer.Deserialize(json, ModelDeploymentJsonContext.Default.ModelDeploymentSpec);
            return spec?.Model is null ? null : spec;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static ContainerPort Grpc => new() { Name = ChildNames.GrpcPortName, Port = ChildNames.GrpcPort, Protocol = "TCP" };

    /// <summary>The model server's environment: the operator's settings first (from the spec), then the user's extra variables.</summary>
    internal static (List<EnvVar> Env, List<string> Claims) Environment(RevisionSpec revision, int port, int? metricsPort = null)
    {
        var model = revision.Model;
        var runtime = revision.Runtime;
        var claims = new List<string>();
        string Resolve(string uri)
        {
            var (serverUri, claim) = ModelUri.Resolve(uri);
            if (claim is not null && !claims.Contains(claim, StringComparer.Ordinal))
            {
                claims.Add(claim);
            }

            return serverUri;
        }

        var env = new List<EnvVar>
        {
            new() { Name = ModelServerEnv.ModelName, Value = model.Name },
            new() { Name = ModelServerEnv.ModelVersion, Value = model.Version },
            new() { Name = ModelServerEnv.ModelUri, Value = Resolve(model.Uri!) },
            new() { Name = ModelServerEnv.ModelSha256, Value = model.Sha256 },
        };
        if (model.Profile is { Uri: { } profileUri } profile)
        {
            env.Add(new() { Name = ModelServerEnv.ProfileUri, Value = Resolve(profileUri) });
            if (!string.IsNullOrEmpty(profile.Sha256))
            {
                env.Add(new() { Name = ModelServerEnv.ProfileSha256, Value = profile.Sha256 });
            }
        }

        env.Add(new() { Name = ModelServerEnv.Port, Value = port.ToString(CultureInfo.InvariantCulture) });
        env.Add(new() { Name = ModelServerEnv.GrpcPort, Value = ChildNames.GrpcPort.ToString(CultureInfo.InvariantCulture) });
        if (metricsPort is { } metrics)
        {
            env.Add(new() { Name = ModelServerEnv.MetricsPort, Value = metrics.ToString(CultureInfo.InvariantCulture) });
        }

        env.Add(new() { Name = ModelServerEnv.CacheDir, Value = ModelCacheDir });
        env.Add(new() { Name = ModelServerEnv.MaxModelBytes, Value = MaxModelBytes.ToString(CultureInfo.InvariantCulture) });
        env.Add(new() { Name = ModelServerEnv.LogFormat, Value = "json" });
        env.AddRange(ModelStorageEnvBuilder.For(revision));
        if (revision.Batching is { } batching)
        {
            env.Add(new() { Name = ModelServerEnv.MaxBatchSize, Value = batching.MaxBatchSize.ToString(CultureInfo.InvariantCulture) });
            env.Add(new() { Name = ModelServerEnv.MaxBatchDelay, Value = batching.MaxBatchDelay });
        }

        var ours = env.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        env.AddRange((runtime.Env ?? []).Where(e => !ours.Contains(e.Name)));
        return (env, claims);
    }
}
