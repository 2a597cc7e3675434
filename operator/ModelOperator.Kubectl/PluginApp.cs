using System.Reflection;
using ModelOperator.Api;
using ModelOperator.Kubectl.Cli;
using ModelOperator.Kubectl.Commands;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Configuration;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Kubectl;

/// <summary>
/// The whole plugin behind <c>Main</c>: parse, connect like kubectl (KUBECONFIG or --kubeconfig, --context, the
/// context's namespace unless -n), run one command. Returns the exit code: 0 on success, 1 with a message on stderr
/// for anything the user has to fix, as kubectl does.
/// </summary>
internal static class PluginApp
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, PluginEnvironment env, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(env);

        // One choke point for everything printed: tenant-controlled text cannot drive the terminal.
        env = env with { Out = new TerminalSafeWriter(env.Out), Error = new TerminalSafeWriter(env.Error) };
        CommandLine line;
        try
        {
            line = CommandLineParser.Parse(args);
        }
        catch (PluginException e)
        {
            return Fail(env, e);
        }

        if (line.Help)
        {
            await env.Out.WriteAsync(line.Command is null ? Help.General : Help.For(line.Command)).ConfigureAwait(false);
            return 0;
        }

        KubernetesConfiguration config;
        try
        {
            config = KubernetesConfigurationLoader.Load(line.Kubeconfig, line.Context, env.GetEnvironmentVariable);
            RefuseCaWithInsecure(config);
        }
        catch (KubernetesConfigurationException e)
        {
            await env.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return 1;
        }

        using var client = new KubernetesClient(config, new KubernetesClientOptions
        {
            FieldManager = "kubectl-model",
            UserAgent = UserAgent,
            TimeProvider = env.Time,
        });
        var key = new ObjectKey(line.Namespace ?? client.DefaultNamespace, line.Name!);
        try
        {
            return await RunCommandAsync(line, client.Resource<ModelDeployment>(), key, env, cancellationToken).ConfigureAwait(false);
        }
        catch (PluginException e)
        {
            return Fail(env, e);
        }
        catch (KubernetesApiException e)
        {
            await env.Error.WriteLineAsync(ServerError(e, key)).ConfigureAwait(false);
            return 1;
        }
        catch (HttpRequestException e)
        {
            await env.Error.WriteLineAsync($"error: cannot reach the API server at {config.Server} ({config.Source}): {e.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (TimeoutException e)
        {
            await env.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (KubernetesConfigurationException e)
        {
            // e.g. an exec credential plugin that failed when a credential was due
            await env.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    // kubectl (client-go's rest.Config validation) refuses this pair rather than guess which one was meant; so do we.
    private static void RefuseCaWithInsecure(KubernetesConfiguration config)
    {
        if (config.InsecureSkipTlsVerify && config.CertificateAuthorities is { Count: > 0 })
        {
            throw new KubernetesConfigurationException(
                $"specifying a root certificates file with the insecure flag is not allowed: the cluster of {config.Source} sets both " +
                "certificate-authority(-data) and insecure-skip-tls-verify; remove one of them");
        }
    }

    private static Task<int> RunCommandAsync(
        CommandLine line, IResourceClient<ModelDeployment> resource, ObjectKey key, PluginEnvironment env, CancellationToken cancellationToken) =>
        line.Command!.Name switch
        {
            PluginCommand.Status => ReadCommands.StatusAsync(resource, key, env, cancellationToken),
            PluginCommand.History => ReadCommands.HistoryAsync(resource, key, env, cancellationToken),
            PluginCommand.Watch => WatchCommand.RunAsync(resource, key, line.Timeout, env, cancellationToken),
            PluginCommand.Drift => DriftCommand.RunAsync(resource, key, line, env, cancellationToken),
            var name => ActionCommands.RunAsync(name, line, resource, key, env, cancellationToken),
        };

    private static int Fail(PluginEnvironment env, PluginException e)
    {
        env.Error.WriteLine($"error: {e.Message}");
        if (e.Usage is { } usage)
        {
            env.Error.WriteLine();
            env.Error.Write(usage);
        }

        return 1;
    }

    /// <summary>As kubectl words it: <c>Error from server (NotFound): modeldeployments.modeloperator.io "churn" not found</c>.</summary>
    private static string ServerError(KubernetesApiException e, ObjectKey key)
    {
        var reason = e.Reason ?? ((int)e.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var message = e.Status.Message ?? e.Message;
        var text = $"Error from server ({reason}): {message}";
        if (e is KubernetesNotFoundException && !message.Contains($"\"{key.Name}\"", StringComparison.Ordinal))
        {
            // A 404 that does not name the object: the kind itself is unknown to the server.
            text += $"{Environment.NewLine}Is the ModelDeployment CRD installed? kubectl get crd {ModelDeployment.Plural}.{ModelDeployment.Group}";
        }
        else if (e is KubernetesNotFoundException)
        {
            text += $" in namespace \"{key.Namespace}\"";
        }

        return text;
    }

    private static string UserAgent { get; } =
        $"kubectl-model/{typeof(PluginApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0"}";
}
