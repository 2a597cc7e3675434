using ModelOperator.Api;
using ModelOperator.ApiServer.Hosting;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Configuration;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Testing;

namespace ModelOperator.Kubectl.Tests.Support;

/// <summary>
/// An in-memory API server with the committed CRD installed by the real kubectl, a kubeconfig whose context names a
/// namespace, a client to seed objects (status through the /status subresource, as the operator writes it), and two
/// ways to run the plugin: in-process through its entry point, and as <c>kubectl model …</c> with the plugin's
/// binary on PATH.
/// </summary>
internal sealed class PluginTestBed : IAsyncDisposable
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(60);
    private readonly KubernetesClient _client;

    private PluginTestBed(InMemoryApiServer server, string dir, string contextNamespace, string? token)
    {
        Server = server;
        Dir = dir;
        Kubeconfig = server.WriteKubeconfig(Path.Combine(dir, "kubeconfig"), contextNamespace);
        _client = new KubernetesClient(new KubernetesConfiguration { Server = server.BaseUrl, Credentials = token is null ? null : KubernetesCredentials.Token(token) });
    }

    public InMemoryApiServer Server { get; }

    public string Dir { get; }

    public string Kubeconfig { get; }

    /// <summary>The clock of in-process runs: <see cref="Fixtures.Now"/>, so "3m ago" is stable.</summary>
    public ManualTimeProvider Clock { get; } = new(Fixtures.Now);

    public IResourceClient<ModelDeployment> Mds => _client.Resource<ModelDeployment>();

    /// <summary>The folder holding the kubectl-model apphost, which goes first on kubectl's PATH.</summary>
    public static string PluginDirectory { get; } = FindPluginDirectory();

    /// <param name="requiredToken">
    /// When set, the server requires this bearer token. The real kubectl sends none over plain http, so the CRD is then
    /// installed by server-side apply over HTTP instead.
    /// </param>
    public static async Task<PluginTestBed> StartAsync(string contextNamespace = "default", string? requiredToken = null)
    {
        var dir = Path.Combine(Path.GetTempPath(), "kubectl-plugin-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var server = await InMemoryApiServer.StartAsync(new InMemoryApiServerOptions { RequiredBearerToken = requiredToken });
        var bed = new PluginTestBed(server, dir, contextNamespace, requiredToken);
        var crd = RepositoryPath(Api.Schema.CrdGenerator.RelativePath);
        if (requiredToken is null)
        {
            (await bed.KubectlAsync("apply", "-f", crd)).Succeeded();
        }
        else
        {
            await CrdInstaller.ApplyAsync(server.BaseUrl, requiredToken, crd);
        }

        return bed;
    }

    /// <summary>Creates the object, then writes its status through /status as the operator does.</summary>
    public async Task<ModelDeployment> SeedAsync(ModelDeployment md)
    {
        var ns = md.Metadata.Namespace ?? "default";
        if (ns != "default")
        {
            try
            {
                await _client.Resource<Namespace>().CreateAsync(new Namespace { Metadata = new ObjectMeta { Name = ns } });
            }
            catch (KubernetesConflictException e) when (e.IsAlreadyExists)
            {
                // a second object in the same namespace
            }
        }

        var created = await Mds.CreateAsync(md with { Status = null, Metadata = md.Metadata with { Generation = null } });
        return md.Status is null ? created : await Mds.UpdateStatusAsync(created with { Status = md.Status });
    }

    public Task<ModelDeployment> GetAsync(string name, string ns = "default") => Mds.GetAsync(new ObjectKey(ns, name));

    /// <summary>Runs the plugin's entry point in this process with captured output and KUBECONFIG pointing here.</summary>
    public Task<ProcessResult> PluginAsync(params string[] args) => PluginAsync(Clock, CancellationToken.None, args);

    public Task<ProcessResult> PluginAsync(TimeProvider time, CancellationToken cancellationToken, params string[] args) =>
        PluginAsync(new CapturingWriter(), time, cancellationToken, args);

    /// <summary>As above, writing standard output to <paramref name="stdout"/>, which the test may read meanwhile.</summary>
    public async Task<ProcessResult> PluginAsync(CapturingWriter stdout, TimeProvider time, CancellationToken cancellationToken, params string[] args)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        using var stderr = new CapturingWriter();
        var env = new Dictionary<string, string> { ["KUBECONFIG"] = Kubeconfig, ["HOME"] = Dir };
        var code = await PluginApp.RunAsync(args, new PluginEnvironment(stdout, stderr, k => env.GetValueOrDefault(k), time), cancellationToken);
        return new ProcessResult(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs the real kubectl with KUBECONFIG set and the plugin's folder first on PATH.</summary>
    public Task<ProcessResult> KubectlAsync(params string[] args) => KubectlAsync(kubeconfigInEnvironment: true, args);

    public async Task<ProcessResult> KubectlAsync(bool kubeconfigInEnvironment, params string[] args)
    {
        var result = await ChildProcess.RunAsync(
            ModelOperator.Processes.Kubectl.Binary,
            args,
            workingDirectory: Dir,
            environment: new Dictionary<string, string?>
            {
                ["HOME"] = Dir,
                ["PATH"] = PluginDirectory + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH"),
                ["KUBECONFIG"] = kubeconfigInEnvironment ? Kubeconfig : null,
            },
            timeout: ProcessTimeout);
        return new ProcessResult(result.ExitCode, result.Stdout, result.Stderr);
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await Server.DisposeAsync();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
            // a kubectl child may still hold a cache file; the temp folder goes later
        }
    }

    /// <summary>
    /// The plugin project's own output folder for the configuration these tests were built in. Not the copy beside the
    /// test assembly: that folder's dependencies were resolved for a host with ASP.NET Core (the API server), so the
    /// plugin's apphost would miss assemblies there.
    /// </summary>
    private static string FindPluginDirectory()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = here.Name;
        var configuration = here.Parent!.Name;
        var dir = RepositoryPath(Path.Combine("operator", "ModelOperator.Kubectl", "bin", configuration, framework));
        return File.Exists(Path.Combine(dir, "kubectl-model"))
            ? dir
            : throw new InvalidOperationException($"The kubectl-model apphost is not in {dir}; build operator/ModelOperator.Kubectl first.");
    }

    private static string RepositoryPath(string relative) => RepositoryFiles.Path(relative);
}
