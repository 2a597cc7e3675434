using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace ModelOperator.Kubernetes.Configuration;

/// <summary>
/// Reads a kubeconfig file. The file is <c>$KUBECONFIG</c> or <c>~/.kube/config</c>; when <c>KUBECONFIG</c> holds a
/// list (<c>a:b:c</c>) only the first entry is read (no merging of several files). Relative file paths inside the
/// kubeconfig resolve against the kubeconfig's directory, as kubectl does.
/// Supported auth: <c>token</c>, <c>tokenFile</c>, client certificate and key (file or inline data).
/// <c>exec</c> and <c>auth-provider</c> plugins are not supported and are reported as errors.
/// </summary>
public static class KubeConfigLoader
{
    /// <summary>
    /// The kubeconfig path kubectl would use: the first entry of <c>KUBECONFIG</c>, else <c>~/.kube/config</c>.
    /// </summary>
    public static string DefaultPath(Func<string, string?>? getEnvironmentVariable = null, string? homeDirectory = null)
    {
        getEnvironmentVariable ??= Environment.GetEnvironmentVariable;
        var list = getEnvironmentVariable("KUBECONFIG");
        if (!string.IsNullOrWhiteSpace(list))
        {
            var first = list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
            if (first is not null)
            {
                return first;
            }
        }

        var home = homeDirectory ?? getEnvironmentVariable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".kube", "config");
    }

    /// <summary>Loads the kubeconfig file at <paramref name="path"/> for <paramref name="context"/> (null: the file's current-context).</summary>
    public static KubernetesConfiguration LoadFile(string path, string? context = null, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new KubernetesConfigurationException(
                $"Kubeconfig file '{fullPath}' does not exist. Set KUBECONFIG or create ~/.kube/config, or run inside a cluster.");
        }

        string yaml;
        try
        {
            yaml = File.ReadAllText(fullPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KubernetesConfigurationException($"Cannot read kubeconfig file '{fullPath}': {e.Message}", e);
        }

        return Load(yaml, fullPath, context, timeProvider);
    }

    /// <summary>
    /// Parses kubeconfig text. <paramref name="sourcePath"/> names the file in messages and anchors relative paths.
    /// </summary>
    public static KubernetesConfiguration Load(string yaml, string sourcePath, string? context = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentException.ThrowIfNullOrEmpty(sourcePath);
        var document = Parse(yaml, sourcePath);
        var baseDirectory = Path.GetDirectoryName(Path.GetFullPath(sourcePath)) ?? Directory.GetCurrentDirectory();

        var contextName = string.IsNullOrEmpty(context) ? document.CurrentContext : context;
        var contexts = document.Contexts ?? [];
        if (string.IsNullOrEmpty(contextName))
        {
            throw new KubernetesConfigurationException(
                $"Kubeconfig '{sourcePath}' has no current-context and no context was named. Available contexts: {Names(contexts.Select(c => c.Name))}.");
        }

        var ctx = contexts.FirstOrDefault(c => c.Name == contextName)?.Context
            ?? throw new KubernetesConfigurationException(
                $"Context '{contextName}' is not defined in kubeconfig '{sourcePath}'. Available contexts: {Names(contexts.Select(c => c.Name))}.");
        var where = $"context '{contextName}' of kubeconfig '{sourcePath}'";

        if (string.IsNullOrEmpty(ctx.Cluster))
        {
            throw new KubernetesConfigurationException($"The {where} names no cluster.");
        }

        var clusters = document.Clusters ?? [];
        var cluster = clusters.FirstOrDefault(c => c.Name == ctx.Cluster)?.Cluster
            ?? throw new KubernetesConfigurationException(
                $"The {where} refers to cluster '{ctx.Cluster}', which is not defined. Available clusters: {Names(clusters.Select(c => c.Name))}.");

        UserEntry? user = null;
        if (!string.IsNullOrEmpty(ctx.User))
        {
            var users = document.Users ?? [];
            user = users.FirstOrDefault(u => u.Name == ctx.User)?.User
                ?? throw new KubernetesConfigurationException(
                    $"The {where} refers to user '{ctx.User}', which is not defined. Available users: {Names(users.Select(u => u.Name))}.");
        }

        var clusterWhere = $"cluster '{ctx.Cluster}' in kubeconfig '{sourcePath}'";
        var userWhere = $"user '{ctx.User}' in kubeconfig '{sourcePath}'";
        return new KubernetesConfiguration
        {
            Server = ParseServer(cluster.Server, clusterWhere),
            InsecureSkipTlsVerify = cluster.InsecureSkipTlsVerify,
            CertificateAuthorities = LoadAuthorities(cluster, baseDirectory, clusterWhere),
            Token = user is null ? null : LoadToken(user, baseDirectory, userWhere, timeProvider),
            ClientCertificate = user is null ? null : LoadClientCertificate(user, baseDirectory, userWhere),
            Namespace = string.IsNullOrEmpty(ctx.Namespace) ? "default" : ctx.Namespace,
            Source = $"kubeconfig '{sourcePath}', context '{contextName}'",
        };
    }

    private static KubeConfigDocument Parse(string yaml, string sourcePath)
    {
        var deserializer = new DeserializerBuilder().IgnoreUnmatchedProperties().Build();
        try
        {
            return deserializer.Deserialize<KubeConfigDocument?>(yaml)
                ?? throw new KubernetesConfigurationException($"Kubeconfig '{sourcePath}' is empty.");
        }
        catch (YamlException e)
        {
            throw new KubernetesConfigurationException(
                $"Kubeconfig '{sourcePath}' is not a valid kubeconfig at line {e.Start.Line}, column {e.Start.Column}: {Innermost(e).Message}", e);
        }
    }

    private static Uri ParseServer(string? server, string where)
    {
        if (string.IsNullOrWhiteSpace(server))
        {
            throw new KubernetesConfigurationException($"The {where} has no 'server' (expected e.g. https://127.0.0.1:6443).");
        }

        if (!Uri.TryCreate(server, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new KubernetesConfigurationException($"The {where} has server '{server}', which is not an absolute http(s) URL.");
        }

        return uri;
    }

    private static X509Certificate2Collection? LoadAuthorities(ClusterEntry cluster, string baseDirectory, string where)
    {
        string? pem = null;
        if (!string.IsNullOrWhiteSpace(cluster.CertificateAuthorityData))
        {
            pem = DecodeBase64(cluster.CertificateAuthorityData, "certificate-authority-data", where);
        }
        else if (!string.IsNullOrWhiteSpace(cluster.CertificateAuthority))
        {
            pem = ReadReferencedFile(cluster.CertificateAuthority, baseDirectory, "certificate-authority", where);
        }

        if (pem is null)
        {
            return null;
        }

        return PemCertificates.ParseAuthorities(pem, $"the certificate authority of {where}");
    }

    private static FileTokenSource? FileToken(string path, string baseDirectory, string where, TimeProvider? timeProvider)
    {
        var full = Path.GetFullPath(path, baseDirectory);
        if (!File.Exists(full))
        {
            throw new KubernetesConfigurationException($"The tokenFile '{full}' of {where} does not exist.");
        }

        return new FileTokenSource(full, timeProvider);
    }

    private static ITokenSource? LoadToken(UserEntry user, string baseDirectory, string where, TimeProvider? timeProvider)
    {
        if (user.Exec is not null)
        {
            throw new KubernetesConfigurationException(
                $"The {where} uses an 'exec' credential plugin, which this client does not support. Use a token, tokenFile or client certificate.");
        }

        if (user.AuthProvider is not null)
        {
            throw new KubernetesConfigurationException(
                $"The {where} uses an 'auth-provider', which this client does not support. Use a token, tokenFile or client certificate.");
        }

        if (!string.IsNullOrEmpty(user.Username))
        {
            throw new KubernetesConfigurationException(
                $"The {where} uses basic auth (username/password), which Kubernetes no longer supports. Use a token, tokenFile or client certificate.");
        }

        if (!string.IsNullOrWhiteSpace(user.Token))
        {
            return new StaticTokenSource(user.Token);
        }

        return string.IsNullOrWhiteSpace(user.TokenFile) ? null : FileToken(user.TokenFile, baseDirectory, where, timeProvider);
    }

    private static X509Certificate2? LoadClientCertificate(UserEntry user, string baseDirectory, string where)
    {
        string? certPem = null;
        string? keyPem = null;
        if (!string.IsNullOrWhiteSpace(user.ClientCertificateData))
        {
            certPem = DecodeBase64(user.ClientCertificateData, "client-certificate-data", where);
        }
        else if (!string.IsNullOrWhiteSpace(user.ClientCertificate))
        {
            certPem = ReadReferencedFile(user.ClientCertificate, baseDirectory, "client-certificate", where);
        }

        if (!string.IsNullOrWhiteSpace(user.ClientKeyData))
        {
            keyPem = DecodeBase64(user.ClientKeyData, "client-key-data", where);
        }
        else if (!string.IsNullOrWhiteSpace(user.ClientKey))
        {
            keyPem = ReadReferencedFile(user.ClientKey, baseDirectory, "client-key", where);
        }

        if (certPem is null && keyPem is null)
        {
            return null;
        }

        if (certPem is null || keyPem is null)
        {
            var missing = certPem is null ? "client-certificate(-data)" : "client-key(-data)";
            throw new KubernetesConfigurationException($"The {where} has a client certificate or key but no {missing}; both are needed.");
        }

        try
        {
            return X509Certificate2.CreateFromPem(certPem, keyPem);
        }
        catch (CryptographicException e)
        {
            throw new KubernetesConfigurationException(
                $"The client certificate and key of {where} could not be loaded as PEM (a CERTIFICATE block and a matching PRIVATE KEY block are expected): {e.Message}", e);
        }
    }

    private static string DecodeBase64(string data, string field, string where)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(data.Trim()));
        }
        catch (FormatException e)
        {
            throw new KubernetesConfigurationException($"The '{field}' of {where} is not valid base64.", e);
        }
    }

    private static string ReadReferencedFile(string path, string baseDirectory, string field, string where)
    {
        var full = Path.GetFullPath(path, baseDirectory);
        try
        {
            return File.ReadAllText(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KubernetesConfigurationException($"Cannot read the '{field}' file '{full}' of {where}: {e.Message}", e);
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
