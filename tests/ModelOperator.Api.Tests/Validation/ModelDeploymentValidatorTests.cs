using System.Text.Json;
using ModelOperator.Api.Validation;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Api.Tests.Validation;

public sealed class ModelDeploymentValidatorTests
{
    private const string Sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    internal static readonly ModelDeployment Valid = new()
    {
        Metadata = new ObjectMeta { Name = "churn", Namespace = "ml" },
        Spec = new ModelDeploymentSpec
        {
            Model = new ModelSource { Name = "churn", Version = "1", Uri = "pvc://models/churn/1/model.onnx", Sha256 = Sha },
            Replicas = 2,
            Rollout = new RolloutSpec
            {
                Steps = [new() { SetWeight = 10 }, new() { Analysis = new() }, new() { SetWeight = 100 }, new() { Pause = new() { Duration = "1m" } }],
                Analysis = new AnalysisSpec { MaxErrorRate = 0.01, MaxP99Latency = "250ms", Provider = new() { Direct = new() } },
            },
        },
    };

    /// <summary>Each case changes one thing in a valid object; the validator must name the field and say what is allowed.</summary>
    private static readonly Dictionary<string, (Func<ModelDeployment, ModelDeployment> Change, string Path, string Says)> Cases = new()
    {
        ["no spec"] = (md => md with { Spec = null }, "spec", "is missing"),
        ["no name"] = (md => md with { Metadata = md.Metadata with { Name = null } }, "metadata.name", "is missing"),
        ["upper-case name"] = (md => md with { Metadata = md.Metadata with { Name = "Churn" } }, "metadata.name", "lower-case letters"),
        ["name too long for revision labels"] = (md => md with { Metadata = md.Metadata with { Name = new string('a', 53) } }, "metadata.name", "at most 52"),
        ["unknown action"] = (md => Annotate(md, Annotations.Action, "rollback"), "metadata.annotations[modeloperator.io/action]", "use one of promote-step, promote, abort, retry, undo"),
        ["undo revision not a number"] = (md => Annotate(md, Annotations.UndoRevision, "two"), "metadata.annotations[modeloperator.io/undo-revision]", "whole number from 1"),
        ["undo revision zero"] = (md => Annotate(md, Annotations.UndoRevision, "0"), "metadata.annotations[modeloperator.io/undo-revision]", "whole number from 1"),
        ["no model"] = (md => Spec(md, s => s with { Model = null }), "spec.model", "set name, version, uri and sha256"),
        ["model name with a space"] = (md => Model(md, m => m with { Name = "churn model" }), "spec.model.name", "letters, digits, '.', '_' and '-'"),
        ["no version"] = (md => Model(md, m => m with { Version = null }), "spec.model.version", "is missing"),
        ["ftp uri"] = (md => Model(md, m => m with { Uri = "ftp://host/model.onnx" }), "spec.model.uri", "the scheme \"ftp\" is not supported; use an absolute path, file:///PATH, pvc://CLAIM/PATH"),
        ["credentials in an invalid uri are not echoed"] = (md => Model(md, m => m with { Uri = "https://alice:hunter2@ models.example.com/m.onnx?sig=topsecret" }), "spec.model.uri", "\"https://***@ models.example.com/m.onnx?***\" contains white space"),
        ["relative path"] = (md => Model(md, m => m with { Uri = "models/model.onnx" }), "spec.model.uri", "neither an absolute path nor a URI"),
        ["folder path"] = (md => Model(md, m => m with { Uri = "/models/" }), "spec.model.uri", "names a folder"),
        ["file uri with two slashes"] = (md => Model(md, m => m with { Uri = "file://models/model.onnx" }), "spec.model.uri", "three slashes"),
        ["pvc without a path"] = (md => Model(md, m => m with { Uri = "pvc://models" }), "spec.model.uri", "no file path inside the claim"),
        ["pvc with parent path"] = (md => Model(md, m => m with { Uri = "pvc://models/../etc/passwd" }), "spec.model.uri", "uses '..'"),
        ["pvc claim upper case"] = (md => Model(md, m => m with { Uri = "pvc://Models/m.onnx" }), "spec.model.uri", "PersistentVolumeClaim name"),
        ["s3 without key"] = (md => Model(md, m => m with { Uri = "s3://bucket" }), "spec.model.uri", "needs a bucket and a key"),
        ["http without host"] = (md => Model(md, m => m with { Uri = "http:///model.onnx" }), "spec.model.uri", "not a valid http URL"),
        ["uri with a space"] = (md => Model(md, m => m with { Uri = "/models/my model.onnx" }), "spec.model.uri", "white space"),
        ["short sha"] = (md => Model(md, m => m with { Sha256 = "abc123" }), "spec.model.sha256", "it has 6 characters); use 64 lowercase hexadecimal"),
        ["upper-case sha"] = (md => Model(md, m => m with { Sha256 = Sha.ToUpperInvariant() }), "spec.model.sha256", "use lowercase"),
        ["profile with bad sha"] = (md => Model(md, m => m with { Profile = new() { Uri = "/p.json", Sha256 = "x" } }), "spec.model.profile.sha256", "not a sha256 digest"),
        ["profile without uri"] = (md => Model(md, m => m with { Profile = new() { Sha256 = Sha } }), "spec.model.profile.uri", "is missing"),
        ["image with a space"] = (md => Runtime(md, r => r with { Image = "model server" }), "spec.runtime.image", "not an image reference"),
        ["bad quantity"] = (md => Runtime(md, r => r with { Resources = new() { Requests = new Dictionary<string, string> { ["cpu"] = "half" } } }), "spec.runtime.resources.requests.cpu", "not a quantity"),
        ["env sets MODEL_URI"] = (md => Runtime(md, r => r with { Env = [new() { Name = "MODEL_URI", Value = "/x" }] }), "spec.runtime.env[0].name", "set by the operator from spec.model.uri"),
        ["env sets LD_PRELOAD"] = (md => Env(md, "LD_PRELOAD"), "spec.runtime.env[0].name", "LD_PRELOAD is reserved for the operator and the model server; reserved are LD_*, DOTNET_*, CORECLR_*, COMPlus_*"),
        ["env sets LD_LIBRARY_PATH"] = (md => Env(md, "LD_LIBRARY_PATH"), "spec.runtime.env[0].name", "is reserved"),
        ["env sets a loader variable in lower case"] = (md => Env(md, "ld_audit"), "spec.runtime.env[0].name", "is reserved"),
        ["env sets a startup hook"] = (md => Env(md, "DOTNET_STARTUP_HOOKS"), "spec.runtime.env[0].name", "is reserved"),
        ["env sets a profiler"] = (md => Env(md, "CORECLR_PROFILER_PATH"), "spec.runtime.env[0].name", "is reserved"),
        ["env sets COMPlus in any case"] = (md => Env(md, "complus_EnableDiagnostics"), "spec.runtime.env[0].name", "is reserved"),
        ["env sets a hosting startup assembly"] = (md => Env(md, "ASPNETCORE_HOSTINGSTARTUPASSEMBLIES"), "spec.runtime.env[0].name", "is reserved"),
        ["env sets a request limit"] = (md => Env(md, "MAX_REQUEST_BODY_BYTES"), "spec.runtime.env[0].name", "is reserved"),
        ["env sets the model size limit"] = (md => Env(md, "MAX_MODEL_BYTES"), "spec.runtime.env[0].name", "is reserved"),
        ["env sets the batch size"] = (md => Env(md, "MAX_BATCH_SIZE"), "spec.runtime.env[0].name", "set by the operator from spec.runtime.batching.maxBatchSize"),
        ["env sets the metrics port"] = (md => Env(md, "METRICS_PORT"), "spec.runtime.env[0].name", "is reserved"),
        ["env sets the listen address"] = (md => Env(md, "HOST"), "spec.runtime.env[0].name", "is reserved"),
        ["env sets a timeout"] = (md => Env(md, "MODEL_DOWNLOAD_TIMEOUT"), "spec.runtime.env[0].name", "is reserved"),
        ["env sets HOME"] = (md => Env(md, "HOME"), "spec.runtime.env[0].name", "is reserved"),
        ["env sets the cache folder"] = (md => Env(md, "MODEL_CACHE_DIR"), "spec.runtime.env[0].name", "is reserved"),
        ["env sets glibc tunables"] = (md => Env(md, "GLIBC_TUNABLES"), "spec.runtime.env[0].name", "is reserved"),
        ["uri too long"] = (md => Model(md, m => m with { Uri = "s3://b/" + new string('k', ModelSource.MaxUriLength) }), "spec.model.uri", $"at most {ModelSource.MaxUriLength} are allowed"),
        ["image too long"] = (md => Runtime(md, r => r with { Image = "registry.example.com/" + new string('i', 600) }), "spec.runtime.image", "at most 512 are allowed"),
        ["too many env variables"] = (md => Runtime(md, r => r with { Env = [.. Enumerable.Range(0, 65).Select(i => new EnvVar { Name = $"V{i}", Value = "x" })] }), "spec.runtime.env", "has 65 items; at most 64 are allowed"),
        ["env value too long"] = (md => Runtime(md, r => r with { Env = [new() { Name = "A", Value = new string('v', 2049) }] }), "spec.runtime.env[0].value", "at most 2048 are allowed"),
        ["env name too long"] = (md => Runtime(md, r => r with { Env = [new() { Name = new string('N', 257), Value = "v" }] }), "spec.runtime.env[0].name", "at most 256 are allowed"),
        ["env valueFrom too long"] = (md => Runtime(md, r => r with { Env = [new() { Name = "A", ValueFrom = JsonDocument.Parse($"{{\"fieldRef\":{{\"fieldPath\":\"{new string('f', 2000)}\"}}}}").RootElement }] }), "spec.runtime.env[0].valueFrom", "at most 1024 are allowed"),
        ["too many node selector labels"] = (md => Runtime(md, r => r with { NodeSelector = Enumerable.Range(0, 33).ToDictionary(i => $"k{i}", _ => "v") }), "spec.runtime.nodeSelector", "has 33 entries; at most 32 are allowed"),
        ["node selector key too long"] = (md => Runtime(md, r => r with { NodeSelector = new Dictionary<string, string> { [new string('k', 318)] = "v" } }), "spec.runtime.nodeSelector", "a key of 318 characters; at most 317"),
        ["node selector value too long"] = (md => Runtime(md, r => r with { NodeSelector = new Dictionary<string, string> { ["zone"] = new string('v', 64) } }), "spec.runtime.nodeSelector[zone]", "at most 63 are allowed"),
        ["too many tolerations"] = (md => Runtime(md, r => r with { Tolerations = [.. Enumerable.Range(0, 33).Select(i => new Toleration { Key = $"k{i}", Operator = "Exists" })] }), "spec.runtime.tolerations", "has 33 items; at most 32 are allowed"),
        ["toleration key too long"] = (md => Runtime(md, r => r with { Tolerations = [new() { Key = new string('k', 318), Operator = "Exists" }] }), "spec.runtime.tolerations[0].key", "at most 317"),
        ["too many resources"] = (md => Runtime(md, r => r with { Resources = new() { Limits = Enumerable.Range(0, 17).ToDictionary(i => $"example.com/r{i}", _ => "1") } }), "spec.runtime.resources.limits", "names 17 resources; at most 16 are allowed"),
        ["duration too long"] = (md => Rollout(md, r => r with { ProgressDeadline = string.Concat(Enumerable.Repeat("1s", 33)) }), "spec.rollout.progressDeadline", "has 66 characters; at most 64 are allowed"),
        ["env twice"] = (md => Runtime(md, r => r with { Env = [new() { Name = "A", Value = "1" }, new() { Name = "A", Value = "2" }] }), "spec.runtime.env[1].name", "set twice"),
        ["env bad name"] = (md => Runtime(md, r => r with { Env = [new() { Name = "1A", Value = "1" }] }), "spec.runtime.env[0].name", "not a variable name"),
        ["env value and valueFrom"] = (md => Runtime(md, r => r with { Env = [new() { Name = "A", Value = "1", ValueFrom = JsonDocument.Parse("{}").RootElement }] }), "spec.runtime.env[0]", "use one of them"),
        ["batch too large"] = (md => Runtime(md, r => r with { Batching = new() { MaxBatchSize = 100_000 } }), "spec.runtime.batching.maxBatchSize", "use 0 (no batching) to 65536"),
        ["batch delay too long"] = (md => Runtime(md, r => r with { Batching = new() { MaxBatchDelay = "2s" } }), "spec.runtime.batching.maxBatchDelay", "use 0 to 1s"),
        ["toleration operator"] = (md => Runtime(md, r => r with { Tolerations = [new() { Key = "k", Operator = "Maybe" }] }), "spec.runtime.tolerations[0].operator", "use Equal or Exists"),
        ["toleration effect"] = (md => Runtime(md, r => r with { Tolerations = [new() { Key = "k", Effect = "NoRun" }] }), "spec.runtime.tolerations[0].effect", "use NoSchedule, PreferNoSchedule, NoExecute"),
        ["toleration Exists with value"] = (md => Runtime(md, r => r with { Tolerations = [new() { Key = "k", Operator = "Exists", Value = "v" }] }), "spec.runtime.tolerations[0].value", "must be empty when operator is Exists"),
        ["toleration seconds without NoExecute"] = (md => Runtime(md, r => r with { Tolerations = [new() { Key = "k", Effect = "NoSchedule", TolerationSeconds = 5 }] }), "spec.runtime.tolerations[0].tolerationSeconds", "only applies to effect NoExecute"),
        ["neither replicas nor autoscaling"] = (md => Spec(md, s => s with { Replicas = null }), "spec", "sets neither replicas nor autoscaling; set exactly one"),
        ["both replicas and autoscaling"] = (md => Spec(md, s => s with { Autoscaling = new() { MaxReplicas = 3, TargetInFlightPerPod = 4 } }), "spec", "sets both replicas and autoscaling"),
        ["negative replicas"] = (md => Spec(md, s => s with { Replicas = -1 }), "spec.replicas", "use 0 to 1000"),
        ["min above max"] = (md => Autoscale(md, new() { MinReplicas = 5, MaxReplicas = 3, TargetInFlightPerPod = 4 }), "spec.autoscaling.minReplicas", "5 is more than maxReplicas 3"),
        ["no max"] = (md => Autoscale(md, new() { TargetInFlightPerPod = 4 }), "spec.autoscaling.maxReplicas", "is missing"),
        ["default min above max"] = (md => Autoscale(md, new() { MaxReplicas = 0, TargetInFlightPerPod = 4 }), "spec.autoscaling.maxReplicas", "use 1 to 1000"),
        ["no target"] = (md => Autoscale(md, new() { MaxReplicas = 3 }), "spec.autoscaling", "set targetInFlightPerPod, targetP95Latency or both"),
        ["zero in flight"] = (md => Autoscale(md, new() { MaxReplicas = 3, TargetInFlightPerPod = 0 }), "spec.autoscaling.targetInFlightPerPod", "greater than 0"),
        ["NaN in flight"] = (md => Autoscale(md, new() { MaxReplicas = 3, TargetInFlightPerPod = double.NaN }), "spec.autoscaling.targetInFlightPerPod", "greater than 0"),
        ["zero p95 target"] = (md => Autoscale(md, new() { MaxReplicas = 3, TargetP95Latency = "0s" }), "spec.autoscaling.targetP95Latency", "more than 0"),
        ["bad stabilization"] = (md => Autoscale(md, new() { MaxReplicas = 3, TargetInFlightPerPod = 1, ScaleDownStabilization = "5 minutes" }), "spec.autoscaling.scaleDownStabilization", "not a duration; write a duration such as 500ms"),
        ["empty step"] = (md => Steps(md, [new()]), "spec.rollout.steps[0]", "sets none of setWeight, pause, analysis and shadow"),
        ["step with two actions"] = (md => Steps(md, [new() { SetWeight = 10, Pause = new() }]), "spec.rollout.steps[0]", "sets 2 of setWeight, pause, analysis and shadow"),
        ["weight 150"] = (md => Steps(md, [new() { SetWeight = 150 }]), "spec.rollout.steps[0].setWeight", "150 is out of range; use a percentage from 0 to 100"),
        ["weight going down"] = (md => Steps(md, [new() { SetWeight = 50 }, new() { Pause = new() }, new() { SetWeight = 20 }]), "spec.rollout.steps[2].setWeight", "20 is less than 50 set by step 0; weights may only stay or rise"),
        ["bad pause"] = (md => Steps(md, [new() { Pause = new() { Duration = "1 minute" } }]), "spec.rollout.steps[0].pause.duration", "not a duration"),
        ["too many steps"] = (md => Steps(md, Enumerable.Range(0, 51).Select(_ => new RolloutStep { Pause = new() }).ToList()), "spec.rollout.steps", "at most 50"),
        ["analysis step without analysis"] = (md => Rollout(md, r => r with { Analysis = null }), "spec.rollout.analysis", "the steps include analysis"),
        ["analysis without thresholds"] = (md => Analysis(md, a => new AnalysisSpec()), "spec.rollout.analysis", "set at least one of maxErrorRate"),
        ["interval zero"] = (md => Analysis(md, a => a with { Interval = "0s" }), "spec.rollout.analysis.interval", "use 1s to 1h"),
        ["min samples zero"] = (md => Analysis(md, a => a with { MinSamples = 0 }), "spec.rollout.analysis.minSamples", "use 1 to 1000000000 requests"),
        ["negative failure limit"] = (md => Analysis(md, a => a with { FailureLimit = -1 }), "spec.rollout.analysis.failureLimit", "use 0 (roll back on the first failure) to 1000"),
        ["error rate as percent"] = (md => Analysis(md, a => a with { MaxErrorRate = 5 }), "spec.rollout.analysis.maxErrorRate", "use a share from 0 to 1"),
        ["bad p99"] = (md => Analysis(md, a => a with { MaxP99Latency = "250" }), "spec.rollout.analysis.maxP99Latency", "not a duration"),
        ["negative drift"] = (md => Analysis(md, a => a with { MaxPredictionDrift = -0.1 }), "spec.rollout.analysis.maxPredictionDrift", "population stability index from 0 to 100"),
        ["feature drift without profile"] = (md => Analysis(md, a => a with { MaxFeatureDrift = 0.2 }), "spec.rollout.analysis.maxFeatureDrift", "spec.model.profile is not set"),
        ["unseen share without profile"] = (md => Analysis(md, a => a with { MaxUnseenCategoryShare = 0.01 }), "spec.rollout.analysis.maxUnseenCategoryShare", "spec.model.profile is not set"),
        ["non-finite share without profile"] = (md => Analysis(md, a => a with { MaxNonFiniteShare = 0.01 }), "spec.rollout.analysis.maxNonFiniteShare", "spec.model.profile is not set"),
        ["out-of-range share as percent"] = (md => Analysis(Model(md, m => m with { Profile = new() { Uri = "s3://b/p.json", Sha256 = Sha } }), a => a with { MaxOutOfRangeShare = 5 }), "spec.rollout.analysis.maxOutOfRangeShare", "use a share from 0 to 1"),
        ["two providers"] = (md => Analysis(md, a => a with { Provider = new() { Direct = new(), Prometheus = new() { Address = "http://p:9090" } } }), "spec.rollout.analysis.provider", "sets both prometheus and direct"),
        ["no provider kind"] = (md => Analysis(md, a => a with { Provider = new() }), "spec.rollout.analysis.provider", "sets neither prometheus and direct"),
        ["prometheus without address"] = (md => Analysis(md, a => a with { Provider = new() { Prometheus = new() } }), "spec.rollout.analysis.provider.prometheus.address", "not an http:// or https:// URL"),
        ["prometheus not http"] = (md => Analysis(md, a => a with { Provider = new() { Prometheus = new() { Address = "prometheus:9090" } } }), "spec.rollout.analysis.provider.prometheus.address", "http://prometheus.monitoring:9090"),
        ["zero progress deadline"] = (md => Rollout(md, r => r with { ProgressDeadline = "0" }), "spec.rollout.progressDeadline", "at least 1s"),
        ["bad bake time"] = (md => Rollout(md, r => r with { BakeTime = "-5m" }), "spec.rollout.bakeTime", "not a duration"),
        ["both routings"] = (md => Rollout(md, r => r with { TrafficRouting = new() { Replicas = new(), GatewayApi = new() { HttpRoute = "r" } } }), "spec.rollout.trafficRouting", "sets both replicas and gatewayAPI"),
        ["no routing kind"] = (md => Rollout(md, r => r with { TrafficRouting = new() }), "spec.rollout.trafficRouting", "sets neither"),
        ["gateway without route"] = (md => Rollout(md, r => r with { TrafficRouting = new() { GatewayApi = new() } }), "spec.rollout.trafficRouting.gatewayAPI.httpRoute", "not an HTTPRoute name"),
        ["gateway route upper case"] = (md => Rollout(md, r => r with { TrafficRouting = new() { GatewayApi = new() { HttpRoute = "Route" } } }), "spec.rollout.trafficRouting.gatewayAPI.httpRoute", "lower-case letters"),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Fact]
    public void A_valid_deployment_has_no_problems()
    {
        Assert.Empty(ModelDeploymentValidator.Validate(Valid));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Each_mistake_is_reported_on_its_field_with_what_is_allowed(string name)
    {
        var (change, path, says) = Cases[name];

        AssertReportedOnce(change(Valid), path, says);
    }

    /// <summary>Validating <paramref name="md"/> gives exactly one problem on <paramref name="path"/>, and it says <paramref name="says"/>.</summary>
    internal static void AssertReportedOnce(ModelDeployment md, string path, string says)
    {
        var problems = ModelDeploymentValidator.Validate(md);

        var problem = Assert.Single(problems, p => p.Path == path);
        Assert.Contains(says, problem.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string> ValidVariants => new()
    {
        "weight 100 before the last step",
        "absolute path",
        "file uri",
        "http uri",
        "https uri",
        "s3 uri",
        "autoscaling with latency target only",
        "gateway routing",
        "prometheus provider",
        "feature drift with profile",
        "pause without duration",
        "no rollout",
        "zero replicas",
        "bake time zero",
        "duration zero without unit",
        "toleration Exists without key",
        "env the server reads but a tenant may set",
        "bounds reached exactly",
        "actions",
    };

    private static readonly Dictionary<string, Func<ModelDeployment, ModelDeployment>> ValidChanges = new()
    {
        ["weight 100 before the last step"] = md => Steps(md, [new() { SetWeight = 100 }, new() { Pause = new() { Duration = "5m" } }, new() { SetWeight = 100 }]),
        ["absolute path"] = md => Model(md, m => m with { Uri = "/models/churn/1/model.onnx" }),
        ["file uri"] = md => Model(md, m => m with { Uri = "file:///models/churn/1/model.onnx" }),
        ["http uri"] = md => Model(md, m => m with { Uri = "http://models.example.com/churn/1/model.onnx" }),
        ["https uri"] = md => Model(md, m => m with { Uri = "https://models.example.com:8443/churn/1/model.onnx?v=1" }),
        ["s3 uri"] = md => Model(md, m => m with { Uri = "s3://models/churn/1/model.onnx" }),
        ["autoscaling with latency target only"] = md => Autoscale(md, new() { MaxReplicas = 4, TargetP95Latency = "50ms", ScaleDownStabilization = "0s" }),
        ["gateway routing"] = md => Rollout(md, r => r with { TrafficRouting = new() { GatewayApi = new() { HttpRoute = "churn.route" } } }),
        ["prometheus provider"] = md => Analysis(md, a => a with { Provider = new() { Prometheus = new() { Address = "https://prometheus.monitoring:9090" } } }),
        ["feature drift with profile"] = md => Analysis(Model(md, m => m with { Profile = new() { Uri = "s3://b/p.json", Sha256 = Sha } }), a => a with { MaxFeatureDrift = 0.25 }),
        ["pause without duration"] = md => Steps(md, [new() { SetWeight = 10 }, new() { Pause = new() }]),
        ["no rollout"] = md => Spec(md, s => s with { Rollout = null }),
        ["zero replicas"] = md => Spec(md, s => s with { Replicas = 0 }),
        ["bake time zero"] = md => Rollout(md, r => r with { BakeTime = "0s" }),
        ["duration zero without unit"] = md => Steps(md, [new() { Pause = new() { Duration = "0" } }]),
        ["toleration Exists without key"] = md => Runtime(md, r => r with { Tolerations = [new() { Operator = "Exists" }] }),
        ["env the server reads but a tenant may set"] = md => Runtime(md, r => r with { Env = [new() { Name = "LOG_FORMAT", Value = "text" }, new() { Name = "S3_ENDPOINT", Value = "http://minio:9000" }, new() { Name = "AWS_ACCESS_KEY_ID", Value = "x" }, new() { Name = "DRIFT_WINDOW", Value = "10m" }, new() { Name = "MY_LD_PRELOAD", Value = "x" }] }),
        ["bounds reached exactly"] = md => Runtime(Model(md, m => m with { Uri = "s3://b/" + new string('k', ModelSource.MaxUriLength - 7) }), r => r with
        {
            Env = [.. Enumerable.Range(0, 64).Select(i => new EnvVar { Name = $"V{i}", Value = new string('v', 2048) })],
            NodeSelector = Enumerable.Range(0, 32).ToDictionary(i => $"k{i}", _ => new string('v', 63)),
            Tolerations = [.. Enumerable.Range(0, 32).Select(i => new Toleration { Key = $"k{i}", Operator = "Exists" })],
        }),
        ["actions"] = md => Annotate(Annotate(md, Annotations.Action, ManualActions.Undo), Annotations.UndoRevision, "3"),
    };

    [Theory]
    [MemberData(nameof(ValidVariants))]
    public void Allowed_variants_pass(string name)
    {
        var problems = ModelDeploymentValidator.Validate(ValidChanges[name](Valid));

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>The model server's settings a tenant may tune; every other one in its settings table is reserved.</summary>
    private static readonly string[] TenantSettings = ["LOG_FORMAT", "S3_ENDPOINT", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL", "AWS_REGION", "AWS_DEFAULT_REGION", "DRIFT_WINDOW", "DRIFT_BUCKET", "DRIFT_PSI_THRESHOLD", "DRIFT_JS_THRESHOLD", "DRIFT_MIN_SAMPLES", "PREDICTION_BUCKETS",
        "DRAIN_PERIOD", "MODEL_S3_ACCESS_KEY_ID", "MODEL_S3_SECRET_ACCESS_KEY", "MODEL_S3_CREDENTIALS_SECRET", "MODEL_HTTP_HEADER_NAME", "MODEL_HTTP_HEADER_VALUE", "MODEL_HTTP_HEADER_SECRET"];

    [Fact]
    public void Every_server_setting_in_the_reference_is_reserved_unless_a_tenant_may_tune_it()
    {
        // The server's settings table (docs/inference-server.md) lists its variables: a new limit, endpoint or timeout
        // added there fails here until it is reserved (or deliberately left to tenants).
        // Only the "## Settings" section: other tables (tensor types) also hold upper-case names in backquotes.
        var table = RepositoryFiles.Read("docs/inference-server.md").Split('\n')
            .SkipWhile(l => l != "## Settings").Skip(1).TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal))
            .Where(l => l.StartsWith("| `", StringComparison.Ordinal));
        var names = table.SelectMany(l => System.Text.RegularExpressions.Regex.Matches(l.Split('|')[1], "`([A-Z0-9_]+)`").Select(m => m.Groups[1].Value)).Distinct().ToList();
        Assert.Contains("MAX_REQUEST_BODY_BYTES", names);

        var open = names.Where(n => !ReservedEnv.IsReserved(n) && !TenantSettings.Contains(n)).ToList();

        Assert.Empty(open);
        Assert.All(TenantSettings, n => Assert.False(ReservedEnv.IsReserved(n), n));
    }

    [Fact]
    public void A_long_value_is_quoted_cut_short()
    {
        // Problems end up in conditions and Events: a hostile value is not copied there whole
        var problem = Assert.Single(ModelDeploymentValidator.Validate(Annotate(Valid, Annotations.Action, new string('x', 100_000))));

        Assert.Contains(new string('x', 100) + "…\" is not an action", problem.Message, StringComparison.Ordinal);
        Assert.True(problem.Message.Length < 300, problem.Message);
    }

    [Fact]
    public void Several_mistakes_are_all_reported_in_field_order()
    {
        var md = Spec(Valid, s => s with
        {
            Model = s.Model! with { Sha256 = "x", Uri = "ftp://x/y" },
            Replicas = null,
            Rollout = s.Rollout! with { Steps = [new() { SetWeight = 101 }] },
        });

        var paths = ModelDeploymentValidator.Validate(md).Select(p => p.Path);

        Assert.Equal(["spec.model.uri", "spec.model.sha256", "spec", "spec.rollout.steps[0].setWeight"], paths);
    }

    [Fact]
    public void The_examples_are_valid_and_their_checksums_match_the_committed_model_files()
    {
        foreach (var example in new[] { "examples/churn-modeldeployment.yaml", "examples/churn-autoscaled-modeldeployment.yaml" })
        {
            var json = YamlToJson.Read(RepositoryFiles.Read(example))!.ToJsonString();
            var md = JsonSerializer.Deserialize(json, ModelDeployment.JsonTypeInfo)!;

            Assert.True(ModelDeploymentValidator.Validate(md).Count == 0, $"{example}: {string.Join("; ", ModelDeploymentValidator.Validate(md))}");

            // The claim "models" holds examples/models: pvc://models/churn/1/model.onnx is examples/models/churn/1/model.onnx.
            foreach (var (uri, sha) in new[] { (md.Spec!.Model!.Uri!, md.Spec.Model.Sha256!), (md.Spec.Model.Profile?.Uri, md.Spec.Model.Profile?.Sha256) })
            {
                if (uri is null)
                {
                    continue;
                }

                var file = RepositoryFiles.Path("examples/models/" + uri["pvc://models/".Length..]);
                Assert.Equal(sha, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file))));
            }
        }
    }

    private static ModelDeployment Annotate(ModelDeployment md, string key, string value) =>
        md with { Metadata = md.Metadata with { Annotations = new Dictionary<string, string>(md.Metadata.Annotations ?? new Dictionary<string, string>()) { [key] = value } } };

    internal static ModelDeployment Spec(ModelDeployment md, Func<ModelDeploymentSpec, ModelDeploymentSpec> change) => md with { Spec = change(md.Spec!) };

    private static ModelDeployment Model(ModelDeployment md, Func<ModelSource, ModelSource> change) => Spec(md, s => s with { Model = change(s.Model!) });

    internal static ModelDeployment Runtime(ModelDeployment md, Func<RuntimeSpec, RuntimeSpec> change) => Spec(md, s => s with { Runtime = change(s.Runtime ?? new RuntimeSpec()) });

    private static ModelDeployment Env(ModelDeployment md, string name) => Runtime(md, r => r with { Env = [new() { Name = name, Value = "/tmp/x" }] });

    private static ModelDeployment Autoscale(ModelDeployment md, AutoscalingSpec autoscaling) => Spec(md, s => s with { Replicas = null, Autoscaling = autoscaling });

    private static ModelDeployment Rollout(ModelDeployment md, Func<RolloutSpec, RolloutSpec> change) => Spec(md, s => s with { Rollout = change(s.Rollout!) });

    private static ModelDeployment Steps(ModelDeployment md, IReadOnlyList<RolloutStep> steps) => Rollout(md, r => r with { Steps = steps });

    private static ModelDeployment Analysis(ModelDeployment md, Func<AnalysisSpec, AnalysisSpec> change) => Rollout(md, r => r with { Analysis = change(r.Analysis!) });
}
