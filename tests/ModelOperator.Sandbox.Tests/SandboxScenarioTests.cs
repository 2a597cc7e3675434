using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Sandbox.Tests;

/// <summary>Real modelserver processes behind the sandbox's controller, agent and proxy. One at a time: they share 2 cores.</summary>
[Collection(nameof(RealProcesses))]
public sealed class SandboxScenarioTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly Dictionary<string, string> ChurnLabels = new() { ["app"] = "churn" };

    [Fact]
    public async Task Two_replicas_become_two_ready_processes_that_answer_inference_through_the_service_and_scaling_to_zero_stops_them()
    {
        // Given the sandbox and a Deployment of 2 replicas of the churn model with its Service
        await using var bed = await SandboxTestBed.StartAsync();
        var deployments = bed.Client.Resource<Deployment>();
        await deployments.CreateAsync(SandboxTestBed.ModelDeployment("churn", 2, ChurnLabels, ("MODEL_NAME", "churn"), ("MODEL_URI", SandboxTestBed.ChurnModel(1))));
        await bed.Client.Resource<Service>().CreateAsync(SandboxTestBed.ModelService("churn", ChurnLabels));

        // When the controller and the agent have acted
        var ready = await SandboxTestBed.EventuallyAsync(
            () => deployments.GetAsync(SandboxTestBed.Key("churn")),
            d => d.Status?.ReadyReplicas == 2 && d.Status.AvailableReplicas == 2,
            Timeout,
            d => $"status {System.Text.Json.JsonSerializer.Serialize(d.Status, Deployment.JsonTypeInfo.Options)}");

        // Then the status is what the real controller reports
        Assert.Equal(ready.Metadata.Generation, ready.Status!.ObservedGeneration);
        Assert.Equal(2, ready.Status.Replicas);
        Assert.Equal(2, ready.Status.UpdatedReplicas);
        Assert.Equal(0, ready.Status.UnavailableReplicas);
        Assert.Contains(ready.Status.Conditions!, c => c is { Type: "Available", Status: "True", Reason: "MinimumReplicasAvailable" });
        Assert.Contains(ready.Status.Conditions!, c => c is { Type: "Progressing", Status: "True", Reason: "NewReplicaSetAvailable" });

        // And two pods run as two live processes, owned by the Deployment and named after its template hash
        var pods = await bed.PodsAsync("app=churn");
        Assert.Equal(2, pods.Count);
        var hash = pods[0].Metadata.Labels!["pod-template-hash"];
        Assert.All(pods, p =>
        {
            Assert.Matches($"^churn-{hash}-[a-z0-9]{{5}}$", p.Metadata.Name);
            Assert.Equal(ready.Metadata.Uid, Assert.Single(p.Metadata.OwnerReferences!).Uid);
            Assert.Equal("Running", p.Status!.Phase);
            Assert.Equal("127.0.0.1", p.Status.PodIP);
            Assert.True(Assert.Single(p.Status.ContainerStatuses!).Ready);
            Assert.NotNull(p.Metadata.Annotations![SandboxNames.PortAnnotation]);
        });
        var pids = bed.Agent.ProcessIds.Values.ToList();
        Assert.Equal(2, pids.Distinct().Count());
        Assert.All(pids, pid => Assert.False(Process.GetProcessById(pid).HasExited));

        // And the proxy answers inference through the Service, from both pods in turn
        var proxy = await bed.ProxyAsync("churn");
        using var http = new HttpClient { BaseAddress = proxy.Url };
        var servedBy = new HashSet<string>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await http.PostAsJsonAsync("v2/models/churn/infer", ChurnRequest());
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            var probability = body["outputs"]![0]!["data"]![0]!.GetValue<double>();
            Assert.Equal(0.04888838902115822, probability, 5);
            servedBy.Add(Assert.Single(response.Headers.GetValues("x-sandbox-pod")));
        }

        Assert.Equal(pods.Select(p => p.Metadata.Name!).ToHashSet(), servedBy);

        // When the Deployment is scaled to 0
        var current = await deployments.GetAsync(SandboxTestBed.Key("churn"));
        await deployments.UpdateAsync(current with { Spec = current.Spec! with { Replicas = 0 } });

        // Then its pods go, their processes stop, and the proxy has no endpoint left
        await SandboxTestBed.EventuallyAsync(() => bed.PodsAsync("app=churn"), p => p.Count == 0, Timeout, p => $"{p.Count} pods left");
        await SandboxTestBed.EventuallyAsync(
            () => Task.FromResult(pids.Count(IsAlive)), n => n == 0, Timeout, n => $"{n} processes still alive");
        var scaled = await SandboxTestBed.EventuallyAsync(
            () => deployments.GetAsync(SandboxTestBed.Key("churn")), d => d.Status?.Replicas == 0, Timeout, d => $"replicas {d.Status?.Replicas}");
        Assert.Equal(0, scaled.Status!.AvailableReplicas);
        using var none = await http.PostAsJsonAsync("v2/models/churn/infer", ChurnRequest());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, none.StatusCode);
        Assert.Contains("no ready endpoints", await none.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_model_with_a_wrong_checksum_stays_running_but_not_ready_with_the_servers_reason()
    {
        // Given a Deployment whose MODEL_SHA256 does not match the model file
        await using var bed = await SandboxTestBed.StartAsync();
        await bed.Client.Resource<Deployment>().CreateAsync(SandboxTestBed.ModelDeployment(
            "bad-sum", 1, new Dictionary<string, string> { ["app"] = "bad-sum" },
            ("MODEL_NAME", "churn"), ("MODEL_URI", SandboxTestBed.ChurnModel(1)), ("MODEL_SHA256", new string('0', 64))));

        // When the server has tried to load it
        var pod = (await SandboxTestBed.EventuallyAsync(
            () => bed.PodsAsync("app=bad-sum"),
            p => p.Count == 1 && p[0].Status?.Conditions?.Any(c => c.Type == "Ready" && c.Message?.Contains("ChecksumMismatch", StringComparison.Ordinal) == true) == true,
            Timeout,
            p => string.Join("; ", p.SelectMany(x => x.Status?.Conditions ?? []).Select(c => $"{c.Type}={c.Status} {c.Message}"))))[0];

        // Then the process runs, is not ready, and the reason is in the pod's Ready and ContainersReady conditions
        Assert.Equal("Running", pod.Status!.Phase);
        var container = Assert.Single(pod.Status.ContainerStatuses!);
        Assert.False(container.Ready);
        Assert.NotNull(container.State!.Running);
        Assert.Equal(0, container.RestartCount);
        Assert.Contains(pod.Status.Conditions!, c => c is { Type: "ContainersReady", Status: "False", Reason: "ContainersNotReady" } && c.Message!.Contains("ChecksumMismatch", StringComparison.Ordinal));
        var deployment = await bed.Client.Resource<Deployment>().GetAsync(SandboxTestBed.Key("bad-sum"));
        Assert.Equal(0, deployment.Status?.ReadyReplicas ?? 0);
    }

    [Fact]
    public async Task A_process_that_exits_at_once_goes_to_crash_loop_back_off_with_a_growing_restart_count()
    {
        // Given a Deployment whose server cannot start (MODEL_NAME is not a valid name: the server exits 2)
        await using var bed = await SandboxTestBed.StartAsync();
        await bed.Client.Resource<Deployment>().CreateAsync(SandboxTestBed.ModelDeployment(
            "crash", 1, new Dictionary<string, string> { ["app"] = "crash" },
            ("MODEL_NAME", "not a valid name!"), ("MODEL_URI", SandboxTestBed.ChurnModel(1))));

        // When it has been restarted a few times
        var pod = (await SandboxTestBed.EventuallyAsync(
            () => bed.PodsAsync("app=crash"),
            p => p.Count == 1 && p[0].Status?.ContainerStatuses?.FirstOrDefault() is { RestartCount: >= 2, State.Waiting.Reason: "CrashLoopBackOff" },
            Timeout,
            p => string.Join("; ", p.SelectMany(x => x.Status?.ContainerStatuses ?? []).Select(c => $"restarts {c.RestartCount} waiting {c.State?.Waiting?.Reason}"))))[0];

        // Then the container shows the crash loop, the last exit code and growing back-off
        var container = Assert.Single(pod.Status!.ContainerStatuses!);
        Assert.False(container.Ready);
        Assert.Equal(2, container.LastState!.Terminated!.ExitCode);
        Assert.Contains("back-off", container.State!.Waiting!.Message, StringComparison.Ordinal);
        Assert.Contains(pod.Status.Conditions!, c => c is { Type: "Ready", Status: "False" });
        var later = await SandboxTestBed.EventuallyAsync(
            () => bed.Client.Resource<Pod>().GetAsync(SandboxTestBed.Key(pod.Metadata.Name!)),
            p => p.Status!.ContainerStatuses![0].RestartCount > container.RestartCount,
            Timeout,
            p => $"restarts {p.Status!.ContainerStatuses![0].RestartCount}");
        Assert.True(later.Status!.ContainerStatuses![0].RestartCount > container.RestartCount);

        // And the process's output is in its log file
        var log = await File.ReadAllTextAsync(Path.Combine(bed.LogDirectory, $"{SandboxTestBed.Namespace}_{pod.Metadata.Name}_server.log"));
        Assert.Contains("MODEL_NAME", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HTTPRoute_weights_100_0_send_every_request_to_one_revision_and_flipping_them_moves_all_traffic()
    {
        // Given two revisions, each with its own Deployment and Service, and a route weighting them 100/0
        await using var bed = await SandboxTestBed.StartAsync();
        foreach (var (rev, version) in new[] { ("a", 1), ("b", 2) })
        {
            var labels = new Dictionary<string, string> { ["app"] = "churn", ["revision"] = rev };
            await bed.Client.Resource<Deployment>().CreateAsync(SandboxTestBed.ModelDeployment(
                $"churn-{rev}", 1, labels, ("MODEL_NAME", "churn"), ("MODEL_VERSION", version.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("MODEL_URI", SandboxTestBed.ChurnModel(version))));
            await bed.Client.Resource<Service>().CreateAsync(SandboxTestBed.ModelService($"churn-{rev}", labels));
        }

        await bed.Client.Resource<Service>().CreateAsync(SandboxTestBed.ModelService("churn", ChurnLabels));
        var routes = bed.Client.Resource<HttpRoute>();
        await routes.CreateAsync(Route(100, 0));
        foreach (var rev in new[] { "a", "b" })
        {
            await SandboxTestBed.EventuallyAsync(
                () => bed.Client.Resource<Deployment>().GetAsync(SandboxTestBed.Key($"churn-{rev}")), d => d.Status?.ReadyReplicas == 1, Timeout, d => $"churn-{rev} ready {d.Status?.ReadyReplicas}");
        }

        var proxy = await bed.ProxyAsync("churn");
        using var http = new HttpClient { BaseAddress = proxy.Url };

        // When requests go through the proxy, Then every one is answered by revision a
        Assert.Equal(["1"], await VersionsServedAsync(http, 20));

        // When the weights flip to 0/100, Then every request goes to revision b
        var route = await routes.GetAsync(SandboxTestBed.Key("churn"));
        await routes.UpdateAsync(route with { Spec = Route(0, 100).Spec });
        await SandboxTestBed.EventuallyAsync(() => VersionsServedAsync(http, 1), v => v.SetEquals(["2"]), Timeout, v => string.Join(",", v));
        Assert.Equal(["2"], await VersionsServedAsync(http, 20));
    }

    [Fact]
    public async Task A_template_change_replaces_the_pods_once_the_new_ones_are_ready_and_deleting_the_deployment_stops_everything()
    {
        // Given a ready Deployment of one replica serving version 1
        await using var bed = await SandboxTestBed.StartAsync();
        var deployments = bed.Client.Resource<Deployment>();
        var labels = new Dictionary<string, string> { ["app"] = "roll" };
        await deployments.CreateAsync(SandboxTestBed.ModelDeployment("roll", 1, labels, ("MODEL_NAME", "churn"), ("MODEL_VERSION", "1"), ("MODEL_URI", SandboxTestBed.ChurnModel(1))));
        await SandboxTestBed.EventuallyAsync(() => deployments.GetAsync(SandboxTestBed.Key("roll")), d => d.Status?.ReadyReplicas == 1, Timeout, d => $"ready {d.Status?.ReadyReplicas}");
        var oldPod = Assert.Single(await bed.PodsAsync("app=roll"));
        var oldPid = bed.Agent.ProcessIds[SandboxTestBed.Key(oldPod.Metadata.Name!)];

        // When its template changes (version 2)
        var current = await deployments.GetAsync(SandboxTestBed.Key("roll"));
        var changed = SandboxTestBed.ModelDeployment("roll", 1, labels, ("MODEL_NAME", "churn"), ("MODEL_VERSION", "2"), ("MODEL_URI", SandboxTestBed.ChurnModel(2)));
        await deployments.UpdateAsync(current with { Spec = changed.Spec });

        // Then a pod of the new template hash becomes ready, the old pod and its process go, and the status says so
        var done = await SandboxTestBed.EventuallyAsync(
            () => deployments.GetAsync(SandboxTestBed.Key("roll")),
            d => d.Status is { ObservedGeneration: 2, Replicas: 1, UpdatedReplicas: 1, AvailableReplicas: 1 }
                && d.Status.Conditions!.Any(c => c.Reason == "NewReplicaSetAvailable"),
            Timeout,
            d => $"status generation {d.Status?.ObservedGeneration} replicas {d.Status?.Replicas} updated {d.Status?.UpdatedReplicas} available {d.Status?.AvailableReplicas}");
        var newPod = Assert.Single(await bed.PodsAsync("app=roll"));
        Assert.NotEqual(oldPod.Metadata.Labels!["pod-template-hash"], newPod.Metadata.Labels!["pod-template-hash"]);
        Assert.Equal(2, done.Metadata.Generation);
        await SandboxTestBed.EventuallyAsync(() => Task.FromResult(IsAlive(oldPid)), alive => !alive, Timeout, _ => $"process {oldPid} still alive");

        // When the Deployment is deleted, Then the garbage collector removes its pod and the agent stops the process
        var newPid = bed.Agent.ProcessIds[SandboxTestBed.Key(newPod.Metadata.Name!)];
        await deployments.DeleteAsync(SandboxTestBed.Key("roll"));
        await SandboxTestBed.EventuallyAsync(() => bed.PodsAsync("app=roll"), p => p.Count == 0, Timeout, p => $"{p.Count} pods left");
        await SandboxTestBed.EventuallyAsync(() => Task.FromResult(IsAlive(newPid)), alive => !alive, Timeout, _ => $"process {newPid} still alive");
    }

    [Fact]
    public async Task A_deleted_pod_is_replaced_with_a_new_process_and_disposing_the_agent_stops_every_process()
    {
        // Given a ready Deployment of one replica
        await using var bed = await SandboxTestBed.StartAsync();
        var labels = new Dictionary<string, string> { ["app"] = "replace" };
        await bed.Client.Resource<Deployment>().CreateAsync(SandboxTestBed.ModelDeployment("replace", 1, labels, ("MODEL_NAME", "churn"), ("MODEL_URI", SandboxTestBed.ChurnModel(1))));
        var first = (await SandboxTestBed.EventuallyAsync(() => bed.PodsAsync("app=replace"), p => p.Count == 1 && p[0].Status?.ContainerStatuses?[0].Ready == true, Timeout, p => $"{p.Count} pods"))[0];
        var firstPid = bed.Agent.ProcessIds[SandboxTestBed.Key(first.Metadata.Name!)];

        // When the pod is deleted
        await bed.Client.Resource<Pod>().DeleteAsync(SandboxTestBed.Key(first.Metadata.Name!));

        // Then its process stops and a new pod with a new process takes its place
        var second = (await SandboxTestBed.EventuallyAsync(
            () => bed.PodsAsync("app=replace"), p => p.Count == 1 && p[0].Metadata.Name != first.Metadata.Name && p[0].Status?.ContainerStatuses?[0].Ready == true, Timeout, p => string.Join(",", p.Select(x => x.Metadata.Name))))[0];
        await SandboxTestBed.EventuallyAsync(() => Task.FromResult(IsAlive(firstPid)), alive => !alive, Timeout, _ => $"process {firstPid} still alive");
        var secondPid = bed.Agent.ProcessIds[SandboxTestBed.Key(second.Metadata.Name!)];
        Assert.NotEqual(firstPid, secondPid);

        // When the agent is disposed, Then no process of it is left
        await bed.Agent.DisposeAsync();
        Assert.False(IsAlive(secondPid));
        Assert.Empty(bed.Agent.ProcessIds);
    }

    [Fact]
    public async Task A_killed_pod_restarts_at_once_and_one_whose_port_another_program_took_comes_back_ready_on_new_ports_its_annotations_name()
    {
        // Given a ready pod, on an agent whose crash-loop back-off leaves time to act between two exits
        await using var bed = await SandboxTestBed.StartAsync(o => o with { InitialBackoff = TimeSpan.FromSeconds(3) });
        await bed.Client.Resource<Deployment>().CreateAsync(SandboxTestBed.ModelDeployment("moved", 1, new Dictionary<string, string> { ["app"] = "moved" }, ("MODEL_NAME", "churn"), ("MODEL_URI", SandboxTestBed.ChurnModel(1))));
        var pod = (await SandboxTestBed.EventuallyAsync(() => bed.PodsAsync("app=moved"), p => p.Count == 1 && p[0].Status?.ContainerStatuses?[0].Ready == true, Timeout, p => $"{p.Count} pods"))[0];
        var key = SandboxTestBed.Key(pod.Metadata.Name!);
        var port = pod.Metadata.Annotations![SandboxNames.PortAnnotation];

        // When its process is killed, Then it is restarted at once on the same port, as a kubelet restarts a first exit
        await KillAsync(bed.Agent.ProcessIds[key]);
        var restarted = (await SandboxTestBed.EventuallyAsync(
            () => bed.PodsAsync("app=moved"), p => p[0].Status?.ContainerStatuses?[0] is { Ready: true, RestartCount: 1 }, Timeout, Describe))[0];
        Assert.Equal(port, restarted.Metadata.Annotations![SandboxNames.PortAnnotation]);
        Assert.Equal(137, restarted.Status!.ContainerStatuses![0].LastState!.Terminated!.ExitCode);

        // When it is killed again, and during the back-off another program listens on the pod's port
        await KillAsync(bed.Agent.ProcessIds[key]);
        using var foreign = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        foreign.Bind(new IPEndPoint(IPAddress.Loopback, int.Parse(port, System.Globalization.CultureInfo.InvariantCulture)));
        foreign.Listen(1);

        // Then the pod restarts on a new port its annotation names, is ready, and answers there
        var moved = (await SandboxTestBed.EventuallyAsync(
            () => bed.PodsAsync("app=moved"),
            p => p.Count == 1 && p[0].Metadata.Annotations![SandboxNames.PortAnnotation] != port && p[0].Status?.ContainerStatuses?[0] is { Ready: true, RestartCount: 2 },
            Timeout,
            Describe))[0];
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{moved.Metadata.Annotations![SandboxNames.PortAnnotation]}/") };
        using var response = await http.PostAsJsonAsync("v2/models/churn/infer", ChurnRequest());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        static string Describe(IReadOnlyList<Pod> pods) => string.Join("; ", pods.Select(x =>
            $"port {x.Metadata.Annotations?.GetValueOrDefault(SandboxNames.PortAnnotation)} restarts {x.Status?.ContainerStatuses?[0].RestartCount} ready {x.Status?.ContainerStatuses?[0].Ready} waiting {x.Status?.ContainerStatuses?[0].State?.Waiting?.Reason}"));

        static async Task KillAsync(int pid)
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task A_status_change_whose_write_the_API_server_refused_is_written_once_it_answers_again()
    {
        // Given a ready pod
        await using var bed = await SandboxTestBed.StartAsync();
        await bed.Client.Resource<Deployment>().CreateAsync(SandboxTestBed.ModelDeployment("resync", 1, new Dictionary<string, string> { ["app"] = "resync" }, ("MODEL_NAME", "churn"), ("MODEL_URI", SandboxTestBed.ChurnModel(1))));
        var pod = (await SandboxTestBed.EventuallyAsync(() => bed.PodsAsync("app=resync"), p => p.Count == 1 && p[0].Status?.ContainerStatuses?[0].Ready == true, Timeout, p => $"{p.Count} pods"))[0];
        var pid = bed.Agent.ProcessIds[SandboxTestBed.Key(pod.Metadata.Name!)];

        // When every write to pods is refused while its process dies and comes back ready
        bed.Server.Faults.FailEveryKthWrite(1, "pods");
        using (var process = Process.GetProcessById(pid))
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        await SandboxTestBed.EventuallyAsync(() => Task.FromResult(bed.Agent.ProcessIds.GetValueOrDefault(SandboxTestBed.Key(pod.Metadata.Name!))), p => p != 0 && p != pid, Timeout, _ => "no new process");
        await Task.Delay(TimeSpan.FromSeconds(3)); // the new process gets ready while the writes still fail
        var stale = await bed.Client.Resource<Pod>().GetAsync(SandboxTestBed.Key(pod.Metadata.Name!));
        Assert.Equal(0, stale.Status!.ContainerStatuses![0].RestartCount);

        // Then once the API server takes writes again, the status says what happened without any further change
        bed.Server.Faults.Reset();
        var synced = await SandboxTestBed.EventuallyAsync(
            () => bed.Client.Resource<Pod>().GetAsync(SandboxTestBed.Key(pod.Metadata.Name!)),
            p => p.Status?.ContainerStatuses?[0] is { RestartCount: 1, Ready: true },
            TimeSpan.FromSeconds(15),
            p => $"restarts {p.Status?.ContainerStatuses?[0].RestartCount} ready {p.Status?.ContainerStatuses?[0].Ready}");
        Assert.Equal(137, synced.Status!.ContainerStatuses![0].LastState!.Terminated!.ExitCode);
    }

    [Fact]
    public async Task A_pod_whose_status_writes_time_out_is_still_restarted_and_its_status_catches_up()
    {
        // Given a ready pod, on an agent whose API calls give up after 1 s
        await using var bed = await SandboxTestBed.StartAsync(clientOptions: new KubernetesClientOptions { RequestTimeout = TimeSpan.FromSeconds(1) });
        await bed.Client.Resource<Deployment>().CreateAsync(SandboxTestBed.ModelDeployment("silent", 1, new Dictionary<string, string> { ["app"] = "silent" }, ("MODEL_NAME", "churn"), ("MODEL_URI", SandboxTestBed.ChurnModel(1))));
        var pod = (await SandboxTestBed.EventuallyAsync(() => bed.PodsAsync("app=silent"), p => p.Count == 1 && p[0].Status?.ContainerStatuses?[0].Ready == true, Timeout, p => $"{p.Count} pods"))[0];
        var key = SandboxTestBed.Key(pod.Metadata.Name!);
        var pid = bed.Agent.ProcessIds[key];

        // When the API server stops answering for 4 s and meanwhile the process dies (every status write times out)
        bed.Server.Faults.StopAnswering(TimeSpan.FromSeconds(4));
        using (var process = Process.GetProcessById(pid))
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        await Task.Delay(TimeSpan.FromSeconds(5));

        // Then the process was restarted all the same, and once the API server answers the status says so
        Assert.True(bed.Agent.ProcessIds.TryGetValue(key, out var restarted) && restarted != pid, "the pod's process was not restarted");
        await SandboxTestBed.EventuallyAsync(
            () => bed.Client.Resource<Pod>().GetAsync(key),
            p => p.Status?.ContainerStatuses?[0] is { RestartCount: 1, Ready: true },
            TimeSpan.FromSeconds(20),
            p => $"restarts {p.Status?.ContainerStatuses?[0].RestartCount} ready {p.Status?.ContainerStatuses?[0].Ready}");
    }

    [Fact]
    public async Task A_container_whose_env_the_agent_cannot_resolve_waits_with_CreateContainerConfigError()
    {
        await using var bed = await SandboxTestBed.StartAsync();
        var deployment = SandboxTestBed.ModelDeployment("secret-env", 1, new Dictionary<string, string> { ["app"] = "secret-env" }, ("MODEL_NAME", "churn"));
        var container = deployment.Spec!.Template!.Spec!.Containers![0];
        var fromSecret = container with { Env = [.. container.Env!, new EnvVar { Name = "MODEL_URI", ValueFrom = System.Text.Json.JsonDocument.Parse("""{"secretKeyRef":{"name":"s","key":"uri"}}""").RootElement }] };
        await bed.Client.Resource<Deployment>().CreateAsync(deployment with { Spec = deployment.Spec with { Template = deployment.Spec.Template with { Spec = deployment.Spec.Template.Spec with { Containers = [fromSecret] } } } });

        var pod = (await SandboxTestBed.EventuallyAsync(
            () => bed.PodsAsync("app=secret-env"), p => p.Count == 1 && p[0].Status?.ContainerStatuses?[0].State?.Waiting?.Reason == "CreateContainerConfigError", Timeout, p => $"{p.Count} pods"))[0];

        Assert.Equal("Pending", pod.Status!.Phase);
        Assert.Contains("MODEL_URI uses valueFrom", pod.Status.ContainerStatuses![0].State!.Waiting!.Message, StringComparison.Ordinal);
        Assert.Empty(bed.Agent.ProcessIds);
    }

    [Fact]
    public async Task The_agents_own_environment_does_not_reach_the_pods_beyond_the_inherited_variables()
    {
        // Given a stray MODEL_SHA256 in the environment of the process hosting the agent
        Environment.SetEnvironmentVariable("MODEL_SHA256", new string('0', 64));
        try
        {
            await using var bed = await SandboxTestBed.StartAsync();

            // When a pod of a valid model starts
            await bed.Client.Resource<Deployment>().CreateAsync(SandboxTestBed.ModelDeployment(
                "clean-env", 1, new Dictionary<string, string> { ["app"] = "clean-env" }, ("MODEL_NAME", "churn"), ("MODEL_URI", SandboxTestBed.ChurnModel(1))));

            // Then it becomes ready: the stray checksum was not passed on
            await SandboxTestBed.EventuallyAsync(
                () => bed.Client.Resource<Deployment>().GetAsync(SandboxTestBed.Key("clean-env")), d => d.Status?.ReadyReplicas == 1, Timeout, d => $"ready {d.Status?.ReadyReplicas}");
        }
        finally
        {
            Environment.SetEnvironmentVariable("MODEL_SHA256", null);
        }
    }

    [Fact]
    public async Task The_proxy_answers_503_naming_the_service_when_it_does_not_exist()
    {
        await using var bed = await SandboxTestBed.StartAsync();
        var proxy = await bed.ProxyAsync("missing");
        using var http = new HttpClient { BaseAddress = proxy.Url };

        using var response = await http.GetAsync("v2/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("Service sandbox/missing does not exist", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<HashSet<string>> VersionsServedAsync(HttpClient http, int requests)
    {
        var versions = new HashSet<string>();
        for (var i = 0; i < requests; i++)
        {
            using var response = await http.PostAsJsonAsync("v2/models/churn/infer", ChurnRequest());
            response.EnsureSuccessStatusCode();
            versions.Add(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["model_version"]!.GetValue<string>());
        }

        return versions;
    }

    private static HttpRoute Route(int a, int b) => new()
    {
        Metadata = new ObjectMeta { Name = "churn", Namespace = SandboxTestBed.Namespace },
        Spec = new HttpRouteSpec
        {
            ParentRefs = [new ParentReference { Name = "gateway" }],
            Rules = [new HttpRouteRule { BackendRefs = [new HttpBackendRef { Name = "churn-a", Port = 80, Weight = a }, new HttpBackendRef { Name = "churn-b", Port = 80, Weight = b }] }],
        },
    };

    private static object ChurnRequest() => new
    {
        inputs = new[] { new { name = "features", shape = new[] { 1, 8 }, datatype = "FP32", data = new[] { 35.0, 28.719999313354492, 5.0, 1.0, 5.0, 14.0, 0.0, 4.0 } } },
    };

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}

[CollectionDefinition(nameof(RealProcesses), DisableParallelization = true)]
public sealed class RealProcesses;
