using ModelOperator.Kubernetes.Models;
using ModelOperator.Sandbox.Deployments;
using ModelOperator.Sandbox.Nodes;

namespace ModelOperator.Sandbox.Tests;

public sealed class NodeAgentUnitTests
{
    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    [InlineData(4, 4)]
    [InlineData(10, 256)]
    [InlineData(11, 300)]
    [InlineData(1000, 300)]
    public void Crash_backoff_restarts_a_first_exit_at_once_then_doubles_from_one_second_up_to_the_cap(int restart, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), CrashBackoff.Delay(restart, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5)));
    }

    [Theory]
    [InlineData(503, """{"ready":false,"reason":"ChecksumMismatch","message":"sha256 differs"}""", "ChecksumMismatch: sha256 differs")]
    [InlineData(503, """{"ready":false,"reason":"Loading"}""", "Loading")]
    [InlineData(500, "oops", "readiness probe answered HTTP 500")]
    [InlineData(503, """{"ready":false}""", "readiness probe answered HTTP 503")]
    public void Readiness_reason_comes_from_the_servers_answer(int code, string body, string expected)
    {
        Assert.Equal(expected, PodProcess.ReasonOf(code, body));
    }

    [Fact]
    public void Environment_is_the_containers_then_loopback_host_and_the_port()
    {
        var container = new Container { Name = "server", Env = [new EnvVar { Name = "MODEL_URI", Value = "/m.onnx" }, new EnvVar { Name = "HOST", Value = "0.0.0.0" }, new EnvVar { Name = "PORT", Value = "8080" }] };

        var (env, _, error) = PodProcess.ResolveEnvironment(PodWith(container), container, 31000, Options());

        Assert.Null(error);
        Assert.Equal(new Dictionary<string, string> { ["MODEL_URI"] = "/m.onnx", ["HOST"] = "127.0.0.1", ["PORT"] = "31000", ["GRPC_PORT"] = "0" }, env);
    }

    [Fact]
    public void An_env_var_from_a_secret_is_refused_with_what_to_do()
    {
        var valueFrom = System.Text.Json.JsonDocument.Parse("""{"secretKeyRef":{"name":"s","key":"k"}}""").RootElement;
        var container = new Container { Name = "server", Env = [new EnvVar { Name = "TOKEN", ValueFrom = valueFrom }] };

        var (env, _, error) = PodProcess.ResolveEnvironment(PodWith(container), container, 1, Options());

        Assert.Null(env);
        Assert.Equal("env var TOKEN uses valueFrom, which the sandbox node agent does not resolve; give it a literal value", error);
    }

    [Fact]
    public void Paths_under_a_claim_or_an_emptyDir_mount_are_rewritten_to_local_folders_longest_mount_first()
    {
        var root = Path.Combine(Path.GetTempPath(), "volume-paths-" + Guid.NewGuid().ToString("N"));
        var container = new Container
        {
            Name = "server",
            Env =
            [
                new EnvVar { Name = "MODEL_URI", Value = "/mnt/pvc/models/churn/1/model.onnx" },
                new EnvVar { Name = "MODEL_PROFILE_URI", Value = "file:///mnt/pvc/models/churn/1/profile.json" },
                new EnvVar { Name = "CACHE", Value = "/tmp/models" },
                new EnvVar { Name = "OTHER", Value = "/mnt/pvc/modelsX/a" },
                new EnvVar { Name = "URL", Value = "https://example.com/mnt/pvc/models/m.onnx" },
            ],
            Args = ["--model", "/mnt/pvc/models/wide/model.onnx"],
            VolumeMounts = [new VolumeMount { Name = "m", MountPath = "/mnt/pvc/models", ReadOnly = true }, new VolumeMount { Name = "tmp", MountPath = "/tmp" }],
        };
        var pod = PodWith(container) with
        {
            Spec = new PodSpec
            {
                Containers = [container],
                Volumes = [new Volume { Name = "m", PersistentVolumeClaim = new PersistentVolumeClaimVolumeSource { ClaimName = "models" } }, new Volume { Name = "tmp", EmptyDir = new EmptyDirVolumeSource() }],
            },
        };
        var options = Options() with { PersistentVolumeClaims = new Dictionary<string, string> { ["models"] = "/srv/models" }, VolumeDirectory = root };

        try
        {
            var (env, args, error) = PodProcess.ResolveEnvironment(pod, container, 31000, options);

            Assert.Null(error);
            Assert.Equal("/srv/models/churn/1/model.onnx", env!["MODEL_URI"]);
            Assert.Equal("file:///srv/models/churn/1/profile.json", env["MODEL_PROFILE_URI"]);
            Assert.Equal(Path.Combine(root, "uid-p", "tmp") + "/models", env["CACHE"]);
            Assert.Equal("/mnt/pvc/modelsX/a", env["OTHER"]); // a longer name is not under the mount
            Assert.Equal("https://example.com/mnt/pvc/models/m.onnx", env["URL"]);
            Assert.Equal(["--model", "/srv/models/wide/model.onnx"], args);
            Assert.True(Directory.Exists(Path.Combine(root, "uid-p", "tmp")));

            var (none, _, unknown) = PodProcess.ResolveEnvironment(pod, container, 1, Options() with { VolumeDirectory = root });
            Assert.Null(none);
            Assert.Equal("persistentvolumeclaim \"models\" not found: the sandbox node agent provides the claims (none)", unknown);
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    private static Pod PodWith(Container container) => new()
    {
        Metadata = new ObjectMeta { Name = "p", Namespace = "default", Uid = "uid-p" },
        Spec = new PodSpec { Containers = [container] },
    };

    private static NodeAgentOptions Options() => new() { ServerPath = "/bin/true", LogDirectory = Path.GetTempPath() };

    [Fact]
    public void Pod_status_carries_the_not_ready_reason_and_keeps_transition_times()
    {
        var now = PodBuilders.Now;
        var running = new ContainerObservation
        {
            Name = "server",
            Image = "img",
            State = new ContainerState { Running = new ContainerStateRunning { StartedAt = now } },
            StartTime = now,
            NotReadyReason = "Loading",
        };

        var first = PodStatusBuilder.Build(running, null, now);
        var later = PodStatusBuilder.Build(running with { NotReadyReason = "ChecksumMismatch: x" }, first, now.AddSeconds(5));
        var ready = PodStatusBuilder.Build(running with { Ready = true, NotReadyReason = null }, later, now.AddSeconds(9));

        Assert.Equal(("Running", "127.0.0.1"), (first.Phase, first.PodIP));
        var notReady = later.Conditions!.Single(c => c.Type == "Ready");
        Assert.Equal("containers with unready status: [server] ChecksumMismatch: x", notReady.Message);
        Assert.Equal(now, notReady.LastTransitionTime);
        Assert.Equal(now, later.Conditions!.Single(c => c.Type == "PodScheduled").LastTransitionTime);
        var readyCondition = ready.Conditions!.Single(c => c.Type == "Ready");
        Assert.Equal(("True", now.AddSeconds(9)), (readyCondition.Status, readyCondition.LastTransitionTime));
        Assert.True(ready.ContainerStatuses![0].Ready);
    }

    [Fact]
    public void A_pod_not_started_yet_is_pending_without_an_ip()
    {
        var waiting = new ContainerObservation { Name = "server", Image = "img", State = new ContainerState { Waiting = new ContainerStateWaiting { Reason = "ContainerCreating" } } };

        var status = PodStatusBuilder.Build(waiting, null, PodBuilders.Now);

        Assert.Equal("Pending", status.Phase);
        Assert.Null(status.PodIP);
    }

    [Fact]
    public void Options_name_every_problem()
    {
        var options = new NodeAgentOptions { ServerPath = "/no/such/modelserver", LogDirectory = "", ProbePeriod = TimeSpan.Zero, InitialBackoff = TimeSpan.FromSeconds(10), MaxBackoff = TimeSpan.FromSeconds(1) };

        var e = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains("ServerPath '/no/such/modelserver' is not an existing file", e.Message, StringComparison.Ordinal);
        Assert.Contains("LogDirectory is empty", e.Message, StringComparison.Ordinal);
        Assert.Contains("ProbePeriod is 00:00:00; it must be positive", e.Message, StringComparison.Ordinal);
        Assert.Contains("MaxBackoff (00:00:01) is below InitialBackoff (00:00:10)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Template_hash_is_stable_safe_and_follows_the_template()
    {
        var template = new PodTemplateSpec { Spec = new PodSpec { Containers = [new Container { Name = "server", Env = [new EnvVar { Name = "MODEL_VERSION", Value = "1" }] }] } };
        var changed = template with { Spec = new PodSpec { Containers = [new Container { Name = "server", Env = [new EnvVar { Name = "MODEL_VERSION", Value = "2" }] }] } };

        var hash = PodTemplateHash.Of(template);

        Assert.Equal(hash, PodTemplateHash.Of(template with { }));
        Assert.NotEqual(hash, PodTemplateHash.Of(changed));
        Assert.Matches("^[bcdfghjklmnpqrstvwxz2456789]{1,10}$", hash);
        Assert.Equal("56", PodTemplateHash.Encode(12)); // bytes of "12" are 49, 50: alphabet[49 % 27], alphabet[50 % 27]
    }
}
