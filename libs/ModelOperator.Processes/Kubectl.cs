namespace ModelOperator.Processes;

/// <summary>
/// The one runner of the real kubectl, as users run it, pointed at one kubeconfig and only at it: <c>--kubeconfig</c>
/// and <c>KUBECONFIG</c> name it, and kubectl's home and discovery cache live in the kubeconfig's folder, so nothing of
/// the machine's kubectl setup leaks in. The binary is <c>$KUBECTL</c> when set, otherwise <c>kubectl</c> on PATH.
/// </summary>
/// <param name="kubeconfig">The kubeconfig file; its folder holds kubectl's home and cache.</param>
/// <param name="workingDirectory">Where relative paths in arguments resolve; this process's current folder when null.</param>
public sealed class Kubectl(string kubeconfig, string? workingDirectory = null)
{
    /// <summary>Long enough for a <c>delete --timeout=60s</c> to say why it failed before it is killed.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    private readonly string _stateDirectory = Path.GetDirectoryName(Path.GetFullPath(kubeconfig))!;

    public string Kubeconfig { get; } = kubeconfig;

    /// <summary>The kubectl binary: KUBECTL if set, otherwise kubectl on PATH.</summary>
    public static string Binary => Environment.GetEnvironmentVariable("KUBECTL") is { Length: > 0 } k ? k : "kubectl";

    public Task<KubectlResult> RunAsync(params string[] args) => RunAsync(args, null, CancellationToken.None);

    public Task<KubectlResult> RunWithInputAsync(string? stdin, params string[] args) => RunAsync(args, stdin, CancellationToken.None);

    /// <summary>Runs kubectl to completion (killed after <see cref="DefaultTimeout"/>), <paramref name="stdin"/> on its standard input.</summary>
    public async Task<KubectlResult> RunAsync(IEnumerable<string> args, string? stdin = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        string[] given = [.. args];
        var result = await ChildProcess.RunAsync(Options(given, stdin, null), DefaultTimeout, cancellationToken).ConfigureAwait(false);
        return new KubectlResult(given, result.ExitCode, result.Stdout, result.Stderr);
    }

    /// <summary>Applies a manifest given as text (through stdin) and expects success.</summary>
    public async Task<KubectlResult> ApplyAsync(string manifest, params string[] extra) =>
        (await RunWithInputAsync(manifest, ["apply", "-f", "-", .. extra]).ConfigureAwait(false)).EnsureSuccess();

    /// <summary>Starts a long-running kubectl (e.g. <c>get -w</c>) whose output lines can be awaited.</summary>
    public KubectlStream Start(params string[] args) =>
        new(onLine => ChildProcess.Start(Options(args, null, onLine), "kubectl"), args);

    private ChildProcessOptions Options(string[] args, string? stdin, Action<string>? onStdoutLine) => new()
    {
        File = Binary,
        Arguments = ["--kubeconfig", Kubeconfig, "--cache-dir", Path.Combine(_stateDirectory, "kube-cache"), .. args],
        // KUBECONFIG too: a kubectl plugin reads it rather than the flag.
        Environment = new Dictionary<string, string?> { ["HOME"] = _stateDirectory, ["KUBECONFIG"] = Kubeconfig },
        WorkingDirectory = workingDirectory,
        Stdin = stdin,
        OnStdoutLine = onStdoutLine,
    };
}
