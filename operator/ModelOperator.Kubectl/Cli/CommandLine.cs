namespace ModelOperator.Kubectl.Cli;

/// <summary>What the user asked for: the command, the ModelDeployment, and the flags that apply.</summary>
internal sealed record CommandLine
{
    /// <summary>The command, or null when only help was asked for.</summary>
    public PluginCommand? Command { get; init; }

    /// <summary>Print help (for <see cref="Command"/> when set) and do nothing else.</summary>
    public bool Help { get; init; }

    public string? Name { get; init; }

    /// <summary>-n/--namespace; null means the kubeconfig context's namespace.</summary>
    public string? Namespace { get; init; }

    /// <summary>--kubeconfig; null means KUBECONFIG or ~/.kube/config, as kubectl.</summary>
    public string? Kubeconfig { get; init; }

    /// <summary>--context; null means the kubeconfig's current-context.</summary>
    public string? Context { get; init; }

    /// <summary>undo --to-revision N.</summary>
    public long? ToRevision { get; init; }

    /// <summary>promote --full: skip every remaining step instead of finishing the current one.</summary>
    public bool Full { get; init; }

    public const string Json = "json";
    public const string Yaml = "yaml";

    /// <summary>-o/--output: <see cref="Json"/> or <see cref="Yaml"/>; null prints the table.</summary>
    public string? Output { get; init; }

    /// <summary>drift --prometheus: the Prometheus to read the timeline from, instead of the spec's provider address.</summary>
    public Uri? Prometheus { get; init; }

    /// <summary>watch --timeout; null watches until Ctrl-C.</summary>
    public TimeSpan? Timeout { get; init; }
}
