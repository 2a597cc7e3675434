using System.Globalization;

namespace ModelOperator.SandboxHost;

/// <summary>
/// Where the sandbox runs and what it runs. Ports 0 pick free ports (the end-to-end tests); the defaults are the fixed
/// ports <c>make run</c> prints (API server 8001, Service proxy 8080, Prometheus 9090, operator metrics 8081 and up).
/// </summary>
public sealed record SandboxSettings
{
    /// <summary>The repository: crds/, examples/models (the <c>models</c> claim) and deploy/prometheus are read from it.</summary>
    public required string RepositoryRoot { get; init; }

    /// <summary>State and logs: kubeconfig, logs/, prometheus/, volumes/. Emptied of old logs at start.</summary>
    public required string Directory { get; init; }

    public required string ModelServerPath { get; init; }

    public required string OperatorPath { get; init; }

    public string PrometheusPath { get; init; } = "/usr/bin/prometheus";

    public int ApiPort { get; init; } = 8001;

    public int PrometheusPort { get; init; } = 9090;

    /// <summary>The first operator replica's metrics/health port; the next replicas take the next free ports.</summary>
    public int OperatorPort { get; init; } = 8081;

    /// <summary>Operator replicas to start with the sandbox (0: the caller starts them with <see cref="LocalSandbox.StartOperatorAsync"/>).</summary>
    public int Operators { get; init; } = 1;

    /// <summary>Extra operator flags, e.g. <c>--workers 4</c>.</summary>
    public IReadOnlyList<string> OperatorArgs { get; init; } = [];

    /// <summary>Services to expose on local ports: (namespace, service, port).</summary>
    public IReadOnlyList<(string Namespace, string Service, int Port)> Proxies { get; init; } = [("default", "churn", 8080)];

    /// <summary>Keep every API request for <see cref="LocalSandbox.ApiServer"/>'s <c>Requests</c> (tests check the operator's calls against its RBAC).</summary>
    public bool RecordApiRequests { get; init; }

    /// <summary>The namespace of the operator's leader Lease (created at start).</summary>
    public string OperatorNamespace { get; init; } = "modeloperator-system";

    public string KubeconfigPath => Path.Combine(Directory, "kubeconfig");

    public string LogDirectory => Path.Combine(Directory, "logs");

    /// <summary>Every problem at once, naming the setting and what is allowed.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        foreach (var (name, path, hint) in new[]
        {
            ("--modelserver", ModelServerPath, "build it with make server-build"),
            ("--operator", OperatorPath, "build it with make build"),
            ("--prometheus", PrometheusPath, "install Debian's prometheus package (make debs)"),
        })
        {
            if (!File.Exists(path))
            {
                problems.Add($"{name} '{path}' does not exist; {hint}");
            }
        }

        if (!File.Exists(Path.Combine(RepositoryRoot, "ModelOperator.sln")))
        {
            problems.Add($"--repo '{RepositoryRoot}' is not the ModelOperator repository (no ModelOperator.sln there)");
        }

        foreach (var (name, port) in new[] { ("--api-port", ApiPort), ("--prometheus-port", PrometheusPort), ("--operator-port", OperatorPort) }.Concat(Proxies.Select(p => ("--proxy-port", p.Port))))
        {
            if (port is < 0 or > 65535)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{name} is {port}; it must be from 1 to 65535, or 0 for a free port"));
            }
        }

        if (Operators is < 0 or > 5)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"--operators is {Operators}; it must be from 0 to 5"));
        }

        return problems;
    }
}
