namespace ModelOperator.Sandbox.Nodes;

/// <summary>Settings of the <see cref="NodeAgent"/>.</summary>
public sealed record NodeAgentOptions
{
    /// <summary>Required: the modelserver binary every container runs (its image is ignored), e.g. <c>runtime/ModelOperator.Runtime.Server/bin/Debug/net10.0/modelserver</c>.</summary>
    public required string ServerPath { get; init; }

    /// <summary>Required: folder for one log file per container, <c>&lt;namespace&gt;_&lt;pod&gt;_&lt;container&gt;.log</c> (stdout and stderr, appended across restarts).</summary>
    public required string LogDirectory { get; init; }

    /// <summary>Extra variables set on every process before the container's own env (e.g. <c>DOTNET_gcServer</c>).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The only variables of the agent's own environment a process inherits (a container does not see its node's
    /// environment; a stray <c>MODEL_SHA256</c> in the shell must not reach every pod). Default: what the .NET host
    /// and the server need to run here.
    /// </summary>
    public IReadOnlyList<string> InheritedVariables { get; init; } = ["PATH", "HOME", "TMPDIR", "LANG", "DOTNET_ROOT"];

    /// <summary>
    /// PersistentVolumeClaims the agent can provide: claim name → local folder. A pod mounting another claim waits with
    /// <c>CreateContainerConfigError</c>. Paths under the mount are rewritten to the folder (<see cref="VolumePaths"/>).
    /// </summary>
    public IReadOnlyDictionary<string, string> PersistentVolumeClaims { get; init; } = new Dictionary<string, string>();

    /// <summary>Where emptyDir volumes are made, one folder per pod UID (removed when the pod's process stops for good).</summary>
    public string VolumeDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "modeloperator-sandbox", "volumes");

    /// <summary>How often a pod's status whose last write did not land is written again (the kubelet's status sync). Default 2 s.</summary>
    public TimeSpan StatusResyncPeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the readiness path is polled. Default 500 ms.</summary>
    public TimeSpan ProbePeriod { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>First crash-loop back-off (before the second restart in a row: the first is at once, as on a kubelet); it doubles per consecutive exit. Default 1 s.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Largest crash-loop back-off. Default 5 minutes (as the kubelet).</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>A process that ran this long before exiting restarts with the initial back-off again. Default 1 minute.</summary>
    public TimeSpan BackoffResetAfter { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Longest wait between SIGTERM and SIGKILL (the pod's terminationGracePeriodSeconds is used when shorter). Default 10 s.</summary>
    public TimeSpan MaxTerminationGrace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Throws <see cref="ArgumentException"/> naming every bad setting and what is allowed.</summary>
    public void Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(ServerPath) || !File.Exists(ServerPath))
        {
            problems.Add($"{nameof(ServerPath)} '{ServerPath}' is not an existing file; give the built modelserver binary (make server-build).");
        }

        if (string.IsNullOrWhiteSpace(LogDirectory))
        {
            problems.Add($"{nameof(LogDirectory)} is empty; give a folder for the process logs.");
        }

        foreach (var (name, value) in new[] { (nameof(ProbePeriod), ProbePeriod), (nameof(InitialBackoff), InitialBackoff), (nameof(MaxBackoff), MaxBackoff), (nameof(BackoffResetAfter), BackoffResetAfter), (nameof(StatusResyncPeriod), StatusResyncPeriod) })
        {
            if (value <= TimeSpan.Zero)
            {
                problems.Add($"{name} is {value}; it must be positive.");
            }
        }

        if (MaxBackoff < InitialBackoff)
        {
            problems.Add($"{nameof(MaxBackoff)} ({MaxBackoff}) is below {nameof(InitialBackoff)} ({InitialBackoff}); it must be at least as long.");
        }

        if (MaxTerminationGrace < TimeSpan.Zero)
        {
            problems.Add($"{nameof(MaxTerminationGrace)} is {MaxTerminationGrace}; it must be zero or positive.");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid node agent options: " + string.Join(" ", problems));
        }
    }
}
