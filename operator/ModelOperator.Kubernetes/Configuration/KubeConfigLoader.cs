using k8s.Authentication;
using k8s.KubeConfigModels;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using ClientConfiguration = k8s.KubernetesClientConfiguration;

namespace ModelOperator.Kubernetes.Configuration;

/// <summary>
/// Reads kubeconfig files as kubectl does and hands them to KubernetesClient, which picks the context and sets up the
/// credentials (token, client certificate, exec credential plugin, OIDC or other auth-provider).
/// <list type="bullet">
/// <item><c>KUBECONFIG</c> may list several files (<c>a:b:c</c>); they are merged as kubectl merges them: the first file
/// that defines a cluster, user or context of a name wins, and <c>current-context</c> comes from the first file that
/// sets one. Listed files that do not exist are skipped. Without <c>KUBECONFIG</c>: <c>~/.kube/config</c>.</item>
/// <item>Relative paths inside a file (certificates, keys, <c>tokenFile</c>, an exec command with a slash) resolve
/// against that file's folder, also after a merge.</item>
/// <item><c>tokenFile</c> (which KubernetesClient's kubeconfig model lacks) becomes its <c>TokenFileAuth</c>: re-read
/// every minute and after a 401.</item>
/// </list>
/// The YAML is read with YamlDotNet into KubernetesClient's own <c>KubeConfigModels</c> and built with
/// <c>BuildConfigFromConfigObject</c>, not with <c>BuildConfigFromConfigFile</c>: that one goes through
/// <c>KubernetesYaml</c>, whose setup costs about 28 MiB more resident memory (measured, see the project README).
/// </summary>
public static class KubeConfigLoader
{
    /// <summary>The files kubectl would read: the entries of <c>KUBECONFIG</c> in order, else <c>~/.kube/config</c>.</summary>
    public static IReadOnlyList<string> DefaultPaths(Func<string, string?>? getEnvironmentVariable = null, string? homeDirectory = null)
    {
        getEnvironmentVariable ??= Environment.GetEnvironmentVariable;
        var list = getEnvironmentVariable("KUBECONFIG");
        if (!string.IsNullOrWhiteSpace(list))
        {
            var paths = list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();
            if (paths.Count > 0)
            {
                return paths;
            }
        }

        var home = homeDirectory ?? getEnvironmentVariable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return [Path.Combine(home, ".kube", "config")];
    }

    /// <summary>Loads one kubeconfig file (as <c>--kubeconfig</c> names it) for <paramref name="context"/> (null: its current-context).</summary>
    public static KubernetesConfiguration LoadFile(string path, string? context = null) => LoadFiles([path], context);

    /// <summary>
    /// Merges the files (in <c>KUBECONFIG</c> order; missing ones skipped when more than one is listed) and loads
    /// <paramref name="context"/>, or the merged current-context.
    /// </summary>
    public static KubernetesConfiguration LoadFiles(IReadOnlyList<string> paths, string? context = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var full = paths.Select(p => Path.GetFullPath(p)).ToList();
        var existing = full.Count == 1 ? full : full.Where(File.Exists).ToList();
        if (existing.Count == 0 || !File.Exists(existing[0]))
        {
            throw new KubernetesConfigurationException(
                $"Kubeconfig file '{string.Join(Path.PathSeparator, full)}' does not exist. Set KUBECONFIG or create ~/.kube/config, or run inside a cluster.");
        }

        var documents = new List<K8SConfiguration>();
        foreach (var path in existing)
        {
            string yaml;
            try
            {
                yaml = File.ReadAllText(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new KubernetesConfigurationException($"Cannot read kubeconfig file '{path}': {e.Message}", e);
            }

            documents.Add(Parse(yaml, path));
        }

        return Build(Merge(documents), context, string.Join(Path.PathSeparator, existing));
    }

    /// <summary>Loads kubeconfig text; <paramref name="sourcePath"/> names it in messages and anchors relative paths.</summary>
    public static KubernetesConfiguration Load(string yaml, string sourcePath, string? context = null)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentException.ThrowIfNullOrEmpty(sourcePath);
        return Build(Parse(yaml, Path.GetFullPath(sourcePath)), context, sourcePath);
    }

    /// <summary>kubectl's merge: per name, the first file's entry wins whole; the first current-context set wins.</summary>
    internal static K8SConfiguration Merge(IReadOnlyList<K8SConfiguration> documents)
    {
        var merged = new K8SConfiguration
        {
            ApiVersion = "v1",
            Kind = "Config",
            FileName = documents[0].FileName,
            CurrentContext = documents.Select(d => d.CurrentContext).FirstOrDefault(c => !string.IsNullOrEmpty(c)),
            Clusters = FirstByName(documents.Select(d => d.Clusters), c => c.Name),
            Users = FirstByName(documents.Select(d => d.Users), u => u.Name),
            Contexts = FirstByName(documents.Select(d => d.Contexts), c => c.Name),
        };
        return merged;
    }

    private static List<T> FirstByName<T>(IEnumerable<IEnumerable<T>?> lists, Func<T, string?> name)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<T>();
        foreach (var item in lists.SelectMany(l => l ?? []))
        {
            if (name(item) is { Length: > 0 } n && seen.Add(n))
            {
                result.Add(item);
            }
        }

        return result;
    }

    private static K8SConfiguration Parse(string yaml, string path)
    {
        var deserializer = new DeserializerBuilder()
            .IgnoreUnmatchedProperties()
            .WithTypeMapping<UserCredentials, KubeConfigUserCredentials>()
            .WithTypeMapping<ClusterEndpoint, KubeConfigClusterEndpoint>()
            .Build();
        K8SConfiguration? document;
        try
        {
            document = deserializer.Deserialize<K8SConfiguration?>(yaml);
        }
        catch (YamlException e)
        {
            throw new KubernetesConfigurationException(
                $"Kubeconfig '{path}' is not a valid kubeconfig at line {e.Start.Line}, column {e.Start.Column}: {Innermost(e).Message}", e);
        }

        document ??= new K8SConfiguration();
        document.FileName = path;
        ResolvePaths(document, Path.GetDirectoryName(path) ?? Directory.GetCurrentDirectory());
        return document;
    }

    // kubectl resolves a file's relative paths against that file's folder before merging.
    private static void ResolvePaths(K8SConfiguration document, string directory)
    {
        string? Resolve(string? path) => string.IsNullOrWhiteSpace(path) ? path : Path.GetFullPath(path, directory);
        foreach (var cluster in document.Clusters ?? [])
        {
            if (cluster.ClusterEndpoint is { } endpoint)
            {
                endpoint.CertificateAuthority = Resolve(endpoint.CertificateAuthority);
            }
        }

        foreach (var user in document.Users ?? [])
        {
            if (user.UserCredentials is not { } credentials)
            {
                continue;
            }

            credentials.ClientCertificate = Resolve(credentials.ClientCertificate);
            credentials.ClientKey = Resolve(credentials.ClientKey);
            if (credentials is KubeConfigUserCredentials withFile)
            {
                withFile.TokenFile = Resolve(withFile.TokenFile);
            }

            if (credentials.ExternalExecution is { Command: { } command } exec && command.Contains('/', StringComparison.Ordinal) && !Path.IsPathRooted(command))
            {
                exec.Command = Path.GetFullPath(command, directory);
            }
        }
    }

    private static KubernetesConfiguration Build(K8SConfiguration document, string? context, string source)
    {
        var contextName = string.IsNullOrEmpty(context) ? document.CurrentContext : context;
        var contexts = (document.Contexts ?? []).ToList();
        if (string.IsNullOrEmpty(contextName))
        {
            throw new KubernetesConfigurationException(
                $"Kubeconfig '{source}' has no current-context and no context was named. Available contexts: {Names(contexts.Select(c => c.Name))}.");
        }

        var ctx = contexts.FirstOrDefault(c => string.Equals(c.Name, contextName, StringComparison.Ordinal))
            ?? throw new KubernetesConfigurationException(
                $"Context '{contextName}' is not defined in kubeconfig '{source}'. Available contexts: {Names(contexts.Select(c => c.Name))}.");
        var user = (document.Users ?? []).FirstOrDefault(u => string.Equals(u.Name, ctx.ContextDetails?.User, StringComparison.Ordinal));
        var tokenFile = (user?.UserCredentials as KubeConfigUserCredentials)?.TokenFile;
        if (user?.UserCredentials is { } credentials && string.IsNullOrWhiteSpace(credentials.Token) && !string.IsNullOrWhiteSpace(tokenFile))
        {
            // KubernetesClient's model has no tokenFile: give it the file's token now; TokenFileAuth re-reads it later.
            credentials.Token = ReadTokenFile(tokenFile, $"user '{user.Name}' in kubeconfig '{source}'");
        }
        else
        {
            tokenFile = null;
        }

        var where = $"context '{contextName}' of kubeconfig '{source}'";
        ClientConfiguration built;
        try
        {
            built = ClientConfiguration.BuildConfigFromConfigObject(document, contextName);
        }
        catch (Exception e) when (e is k8s.Exceptions.KubeConfigException or FormatException or System.Security.Cryptography.CryptographicException or IOException)
        {
            throw new KubernetesConfigurationException($"The {where} cannot be used: {e.Message}", e);
        }

        Func<ITokenProvider>? renew = null;
        if (tokenFile is not null)
        {
            renew = () => new TokenFileAuth(tokenFile);
        }
        else if (built.TokenProvider is ExecTokenProvider && user?.UserCredentials?.ExternalExecution is { } exec)
        {
            // A new provider runs the plugin again: what a 401 calls for even when the credential looked unexpired.
            renew = () => new ExecTokenProvider(exec);
        }

        var cluster = (document.Clusters ?? []).FirstOrDefault(c => string.Equals(c.Name, ctx.ContextDetails?.Cluster, StringComparison.Ordinal));
        var proxy = ProxyUrl((cluster?.ClusterEndpoint as KubeConfigClusterEndpoint)?.ProxyUrl, $"cluster '{cluster?.Name}' of {where}");
        return ClientConfigurationAdapter.From(built, renew, $"kubeconfig '{source}', context '{contextName}'") with { ProxyUrl = proxy };
    }

    // kubectl's proxy-url: http, https or socks5. The URL may carry credentials, so messages never repeat it.
    private static Uri? ProxyUrl(string? text, string where)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var proxy) || proxy.Scheme is not ("http" or "https" or "socks5"))
        {
            throw new KubernetesConfigurationException($"The proxy-url of {where} is not an absolute http://, https:// or socks5:// URL.");
        }

        return proxy;
    }

    private static string ReadTokenFile(string path, string where)
    {
        try
        {
            var token = File.ReadAllText(path).Trim();
            return token.Length > 0 ? token : throw new KubernetesConfigurationException($"The tokenFile '{path}' of {where} is empty.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KubernetesConfigurationException($"Cannot read the tokenFile '{path}' of {where}: {e.Message}", e);
        }
    }

    private static string Names(IEnumerable<string?> names)
    {
        var list = names.Where(n => !string.IsNullOrEmpty(n)).ToList();
        return list.Count == 0 ? "(none)" : string.Join(", ", list);
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }
}

/// <summary>KubernetesClient's user model plus the <c>tokenFile</c> field it lacks.</summary>
internal sealed class KubeConfigUserCredentials : UserCredentials
{
    [YamlMember(Alias = "tokenFile")]
    public string? TokenFile { get; set; }
}

/// <summary>KubernetesClient's cluster model plus the <c>proxy-url</c> field it lacks.</summary>
internal sealed class KubeConfigClusterEndpoint : ClusterEndpoint
{
    [YamlMember(Alias = "proxy-url")]
    public string? ProxyUrl { get; set; }
}
