using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Processes;

namespace ModelOperator.Sandbox.Nodes;

/// <summary>
/// Runs the first container of one pod as a local modelserver process and reports on it: starts it on a free
/// loopback port, polls its readiness path, restarts it with the crash-loop back-off when it exits, and hands
/// every change of its <see cref="ContainerObservation"/> to <c>publish</c>. <see cref="StopAsync"/> sends SIGTERM,
/// then SIGKILL after the grace period.
/// </summary>
internal sealed partial class PodProcess : IAsyncDisposable
{
    private const string DefaultReadinessPath = "/v2/health/ready";
    private readonly Pod _pod;
    private readonly Container _container;
    private readonly NodeAgentOptions _options;
    private readonly Func<ContainerObservation, Task> _publish;
    private readonly Func<int, int, Task> _announcePorts;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private ContainerObservation _observation;
    private Process? _process;
    private Task? _loop;
    private LoopbackPort _port;
    private LoopbackPort _grpcPort;

    /// <param name="announcePorts">Called with new ports when a restart had to draw them (the old one was taken), before the process starts on them.</param>
    public PodProcess(Pod pod, NodeAgentOptions options, HttpClient http, TimeProvider time, ILogger logger, Func<ContainerObservation, Task> publish, Func<int, int, Task> announcePorts)
    {
        _pod = pod;
        _container = pod.Spec?.Containers?.FirstOrDefault() ?? throw new ArgumentException($"Pod {ObjectKey.From(pod)} has no containers.", nameof(pod));
        _options = options;
        _http = http;
        _time = time;
        _logger = logger;
        _publish = publish;
        _announcePorts = announcePorts;
        _port = LoopbackPorts.Reserve();
        _grpcPort = LoopbackPorts.Reserve();
        _observation = new ContainerObservation
        {
            Name = _container.Name,
            Image = _container.Image ?? string.Empty,
            State = new ContainerState { Waiting = new ContainerStateWaiting { Reason = SandboxNames.ContainerCreating } },
        };
    }

    /// <summary>The loopback port the process listens on (kept across restarts unless something else took it).</summary>
    public int Port
    {
        get
        {
            lock (_lock)
            {
                return _port.Port;
            }
        }
    }

    /// <summary>The loopback port of the process's gRPC service (its GRPC_PORT; kept as <see cref="Port"/> is).</summary>
    public int GrpcPort
    {
        get
        {
            lock (_lock)
            {
                return _grpcPort.Port;
            }
        }
    }

    public string Uid => _pod.Metadata.Uid ?? string.Empty;

    /// <summary>The OS process id of the running process, or null between runs.</summary>
    public int? ProcessId
    {
        get
        {
            lock (_lock)
            {
                return _process is { HasExited: false } p ? p.Id : null;
            }
        }
    }

    public ContainerObservation Observation
    {
        get
        {
            lock (_lock)
            {
                return _observation;
            }
        }
    }

    public string LogPath => Path.Combine(_options.LogDirectory, $"{_pod.Metadata.Namespace}_{_pod.Metadata.Name}_{_container.Name}.log");

    public void Start() => _loop = Task.Run(() => RunAsync(_stop.Token));

    /// <summary>Stops the restart loop and the process: SIGTERM, then SIGKILL after <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        Process? process;
        lock (_lock)
        {
            process = _process;
        }

        if (process is not null)
        {
            var killed = await TerminateAsync(process, grace).ConfigureAwait(false);
            Log.Stopped(_logger, _pod.Metadata.Namespace ?? string.Empty, _pod.Metadata.Name ?? string.Empty, killed ? "SIGKILL" : "SIGTERM");
        }

        if (_loop is not null)
        {
            try
            {
                await _loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        ReleasePorts();

        // The pod's emptyDir volumes go with it, as on a node.
        var volumes = VolumePaths.PodFolder(_pod, _options.VolumeDirectory);
        if (Directory.Exists(volumes))
        {
            try
            {
                Directory.Delete(volumes, recursive: true);
            }
            catch (IOException e)
            {
                Log.VolumeCleanupFailed(_logger, volumes, e.Message);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.Zero).ConfigureAwait(false);
        _stop.Dispose();
    }

    private void ReleasePorts()
    {
        lock (_lock)
        {
            _port.Dispose();
            _grpcPort.Dispose();
        }
    }

    /// <summary>Kills the process at once (for process exit, when there is no time for a grace period).</summary>
    public void KillNow()
    {
        lock (_lock)
        {
            try
            {
                _process?.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }
        }
    }

    /// <summary>
    /// The environment and arguments of the process: the container's env as given, then HOST and PORT, with paths under
    /// volume mounts rewritten to their local folders (<see cref="VolumePaths"/>); null and a message when an entry or a
    /// volume cannot be provided here.
    /// </summary>
    internal static (Dictionary<string, string>? Env, IReadOnlyList<string> Args, string? Error) ResolveEnvironment(Pod pod, Container container, int port, NodeAgentOptions options, int grpcPort = 0)
    {
        var (volumes, volumeError) = VolumePaths.Resolve(pod, options.PersistentVolumeClaims, options.VolumeDirectory);
        if (volumes is null)
        {
            return (null, [], volumeError);
        }

        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var variable in container.Env ?? [])
        {
            if (variable.ValueFrom is not null)
            {
                return (null, [], $"env var {variable.Name} uses valueFrom, which the sandbox node agent does not resolve; give it a literal value");
            }

            env[variable.Name] = volumes.Rewrite(variable.Value ?? string.Empty);
        }

        env["HOST"] = PodStatusBuilder.Loopback;
        SetPorts(env, port, grpcPort);
        try
        {
            foreach (var dir in volumes.EmptyDirs(options.VolumeDirectory))
            {
                Directory.CreateDirectory(dir);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, [], $"cannot make the emptyDir folders under {options.VolumeDirectory}: {e.Message}");
        }

        return (env, [.. (container.Args ?? []).Select(volumes.Rewrite)], null);
    }

    /// <summary>Every sandbox pod shares the loopback address: the pod's own PORT and GRPC_PORT (8080, 8081) would collide, so each gets the agent's.</summary>
    private static void SetPorts(Dictionary<string, string> env, int port, int grpcPort)
    {
        env["PORT"] = port.ToString(CultureInfo.InvariantCulture);
        env["GRPC_PORT"] = grpcPort.ToString(CultureInfo.InvariantCulture);
    }

    private async Task RunAsync(CancellationToken stop)
    {
        var (env, args, error) = ResolveEnvironment(_pod, _container, Port, _options, GrpcPort);
        if (env is null)
        {
            await UpdateAsync(o => o with { State = new ContainerState { Waiting = new ContainerStateWaiting { Reason = SandboxNames.CreateContainerConfigError, Message = error } } }).ConfigureAwait(false);
            return;
        }

        Directory.CreateDirectory(_options.LogDirectory);
        var consecutiveCrashes = 0;
        while (!stop.IsCancellationRequested)
        {
            if (await RedrawTakenPortsAsync().ConfigureAwait(false))
            {
                SetPorts(env, Port, GrpcPort);
            }

            var startedAt = _time.GetUtcNow();
            var process = StartProcess(env, args, startedAt);
            Log.Started(_logger, _pod.Metadata.Namespace ?? string.Empty, _pod.Metadata.Name ?? string.Empty, process.Id, Port);
            await UpdateAsync(o => o with
            {
                State = new ContainerState { Running = new ContainerStateRunning { StartedAt = startedAt } },
                Ready = false,
                NotReadyReason = null,
                StartTime = o.StartTime ?? startedAt,
            }).ConfigureAwait(false);

            using var probing = CancellationTokenSource.CreateLinkedTokenSource(stop);
            var probe = ProbeLoopAsync(probing.Token);
            try
            {
                await process.WaitForExitAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await probing.CancelAsync().ConfigureAwait(false);
                await probe.ConfigureAwait(false);
                return;
            }

            await probing.CancelAsync().ConfigureAwait(false);
            await probe.ConfigureAwait(false);
            var finishedAt = _time.GetUtcNow();
            var exitCode = process.ExitCode;
            lock (_lock)
            {
                _process = null;
            }

            process.Dispose();
            consecutiveCrashes = finishedAt - startedAt >= _options.BackoffResetAfter ? 1 : consecutiveCrashes + 1;
            var delay = CrashBackoff.Delay(consecutiveCrashes, _options.InitialBackoff, _options.MaxBackoff);
            Log.Exited(_logger, _pod.Metadata.Namespace ?? string.Empty, _pod.Metadata.Name ?? string.Empty, exitCode, delay);
            var terminated = new ContainerState
            {
                Terminated = new ContainerStateTerminated
                {
                    ExitCode = exitCode,
                    Reason = exitCode == 0 ? "Completed" : "Error",
                    Message = $"exited with code {exitCode}; see {LogPath}",
                    StartedAt = startedAt,
                    FinishedAt = finishedAt,
                },
            };
            if (delay == TimeSpan.Zero)
            {
                // A first exit is restarted at once, as the kubelet does: the container shows Terminated, never CrashLoopBackOff.
                await UpdateAsync(o => o with { Ready = false, NotReadyReason = null, State = terminated }).ConfigureAwait(false);
            }
            else
            {
                await UpdateAsync(o => o with
                {
                    Ready = false,
                    NotReadyReason = null,
                    LastState = terminated,
                    State = new ContainerState
                    {
                        Waiting = new ContainerStateWaiting
                        {
                            Reason = SandboxNames.CrashLoopBackOff,
                            Message = $"back-off {delay.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s restarting failed container={_container.Name} pod={_pod.Metadata.Name}",
                        },
                    },
                }).ConfigureAwait(false);
                try
                {
                    await Task.Delay(delay, _time, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            await UpdateAsync(o => o with { RestartCount = o.RestartCount + 1, LastState = terminated }).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Before each start: a port another program now listens on (the reservation keeps other reservers off it, not
    /// every program) is replaced by a new one and announced, so the pod restarts on a port it can bind instead of
    /// crash-looping on one it never gets. True when a port changed.
    /// </summary>
    private async Task<bool> RedrawTakenPortsAsync()
    {
        int port, grpcPort;
        lock (_lock)
        {
            var httpTaken = !LoopbackPorts.CanListen(_port.Port);
            var grpcTaken = !LoopbackPorts.CanListen(_grpcPort.Port);
            if (!httpTaken && !grpcTaken)
            {
                return false;
            }

            var (oldPort, oldGrpc) = (_port.Port, _grpcPort.Port);
            if (httpTaken)
            {
                _port.Dispose();
                _port = LoopbackPorts.Reserve();
            }

            if (grpcTaken)
            {
                _grpcPort.Dispose();
                _grpcPort = LoopbackPorts.Reserve();
            }

            (port, grpcPort) = (_port.Port, _grpcPort.Port);
            Log.PortsRedrawn(_logger, _pod.Metadata.Namespace ?? string.Empty, _pod.Metadata.Name ?? string.Empty, oldPort, oldGrpc, port, grpcPort);
        }

        await _announcePorts(port, grpcPort).ConfigureAwait(false);
        return true;
    }

    private Process StartProcess(Dictionary<string, string> env, IReadOnlyList<string> args, DateTimeOffset startedAt)
    {
        // sh appends the output to the log file, then execs the server: the pid is the server's own.
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("log=\"$1\"; shift; exec \"$0\" \"$@\" >>\"$log\" 2>&1");
        info.ArgumentList.Add(_options.ServerPath);
        info.ArgumentList.Add(LogPath);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment.Clear();
        foreach (var name in _options.InheritedVariables)
        {
            if (System.Environment.GetEnvironmentVariable(name) is { } inherited)
            {
                info.Environment[name] = inherited;
            }
        }

        foreach (var (key, value) in _options.Environment)
        {
            info.Environment[key] = value;
        }

        foreach (var (key, value) in env)
        {
            info.Environment[key] = value;
        }

        File.AppendAllText(LogPath, $"--- {startedAt:O} starting {_options.ServerPath} on {PodStatusBuilder.Loopback}:{Port}{Environment.NewLine}");
        lock (_lock)
        {
            _process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {_options.ServerPath}.");
            ChildProcesses.Track(_process);
            return _process;
        }
    }

    private async Task ProbeLoopAsync(CancellationToken cancellationToken)
    {
        var path = _container.ReadinessProbe?.HttpGet?.Path ?? DefaultReadinessPath;
        var url = new Uri($"http://{PodStatusBuilder.Loopback}:{Port}{path}");
        while (!cancellationToken.IsCancellationRequested)
        {
            var (ready, reason) = await ProbeAsync(url, cancellationToken).ConfigureAwait(false);
            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            await UpdateAsync(o => o with { Ready = ready, NotReadyReason = ready ? null : reason }).ConfigureAwait(false);
            try
            {
                await Task.Delay(_options.ProbePeriod, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>GET the readiness path: 200 is ready; otherwise the reason from the server's <c>{"reason","message"}</c> answer, or what failed.</summary>
    private async Task<(bool Ready, string? Reason)> ProbeAsync(Uri url, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(1));
            using var response = await _http.GetAsync(url, timeout.Token).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return (true, null);
            }

            var body = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            return (false, ReasonOf((int)response.StatusCode, body));
        }
        catch (HttpRequestException e)
        {
            return (false, $"readiness probe failed: {e.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (false, "readiness probe timed out after 1s");
        }
        catch (OperationCanceledException)
        {
            return (false, null);
        }
    }

    internal static string ReasonOf(int statusCode, string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            var reason = root.TryGetProperty("reason", out var r) ? r.GetString() : null;
            var message = root.TryGetProperty("message", out var m) ? m.GetString() : null;
            if (reason is not null)
            {
                return message is null ? reason : $"{reason}: {message}";
            }
        }
        catch (JsonException)
        {
        }

        return $"readiness probe answered HTTP {statusCode}";
    }

    private async Task UpdateAsync(Func<ContainerObservation, ContainerObservation> change)
    {
        ContainerObservation next;
        lock (_lock)
        {
            next = change(_observation);
            if (next == _observation)
            {
                return;
            }

            _observation = next;
        }

        await _publish(next).ConfigureAwait(false);
    }

    /// <summary>SIGTERM, then SIGKILL after <paramref name="grace"/>; true when SIGKILL was needed.</summary>
    private static async Task<bool> TerminateAsync(Process process, TimeSpan grace)
    {
        try
        {
            if (process.HasExited)
            {
                return false;
            }

            if (grace > TimeSpan.Zero && PosixSignals.Terminate(process.Id))
            {
                using var wait = new CancellationTokenSource(grace);
                try
                {
                    await process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
                    return false;
                }
                catch (OperationCanceledException)
                {
                }
            }

            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().ConfigureAwait(false);
            return true;
        }
        catch (InvalidOperationException)
        {
            // Already exited and reaped.
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Pod {Namespace}/{Pod}: started process {ProcessId} on port {Port}")]
        public static partial void Started(ILogger logger, string @namespace, string pod, int processId, int port);

        [LoggerMessage(2, LogLevel.Warning, "Pod {Namespace}/{Pod}: process exited with code {ExitCode}; restarting after {Delay}")]
        public static partial void Exited(ILogger logger, string @namespace, string pod, int exitCode, TimeSpan delay);

        [LoggerMessage(3, LogLevel.Information, "Pod {Namespace}/{Pod}: process stopped by {Signal}")]
        public static partial void Stopped(ILogger logger, string @namespace, string pod, string signal);

        [LoggerMessage(4, LogLevel.Warning, "Could not remove the emptyDir folder {Path}: {Error}")]
        public static partial void VolumeCleanupFailed(ILogger logger, string path, string error);

        [LoggerMessage(5, LogLevel.Warning, "Pod {Namespace}/{Pod}: ports {OldPort}/{OldGrpcPort} are taken by another program; restarting on {Port}/{GrpcPort}")]
        public static partial void PortsRedrawn(ILogger logger, string @namespace, string pod, int oldPort, int oldGrpcPort, int port, int grpcPort);
    }
}
