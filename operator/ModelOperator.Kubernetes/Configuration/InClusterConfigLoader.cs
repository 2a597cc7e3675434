namespace ModelOperator.Kubernetes.Configuration;

/// <summary>
/// Configuration for a pod: the API server from <c>KUBERNETES_SERVICE_HOST</c>/<c>KUBERNETES_SERVICE_PORT</c>,
/// credentials from the mounted service account (<c>token</c>, <c>ca.crt</c>, <c>namespace</c>). The token is a
/// <see cref="FileTokenSource"/>: re-read every minute and after a 401, because the kubelet rotates it.
/// </summary>
public static class InClusterConfigLoader
{
    /// <summary>Where the kubelet mounts the service account.</summary>
    public const string DefaultServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";

    /// <summary>True when the service environment variables of a pod are present.</summary>
    public static bool IsInCluster(Func<string, string?>? getEnvironmentVariable = null)
    {
        getEnvironmentVariable ??= Environment.GetEnvironmentVariable;
        return !string.IsNullOrEmpty(getEnvironmentVariable("KUBERNETES_SERVICE_HOST"))
            && !string.IsNullOrEmpty(getEnvironmentVariable("KUBERNETES_SERVICE_PORT"));
    }

    /// <summary>Builds the in-cluster configuration; errors name what is missing.</summary>
    public static KubernetesConfiguration Load(
        Func<string, string?>? getEnvironmentVariable = null,
        string serviceAccountDirectory = DefaultServiceAccountDirectory,
        TimeProvider? timeProvider = null)
    {
        getEnvironmentVariable ??= Environment.GetEnvironmentVariable;
        var host = getEnvironmentVariable("KUBERNETES_SERVICE_HOST");
        var port = getEnvironmentVariable("KUBERNETES_SERVICE_PORT");
        if (string.IsNullOrEmpty(host) || string.IsNullOrEmpty(port))
        {
            throw new KubernetesConfigurationException(
                "Not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must both be set.");
        }

        if (!int.TryParse(port, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var portNumber)
            || portNumber is < 1 or > 65535)
        {
            throw new KubernetesConfigurationException($"KUBERNETES_SERVICE_PORT is '{port}'; expected a port number from 1 to 65535.");
        }

        // An IPv6 host needs brackets in a URL.
        var hostPart = host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]" : host;
        if (!Uri.TryCreate($"https://{hostPart}:{portNumber}", UriKind.Absolute, out var server))
        {
            throw new KubernetesConfigurationException($"KUBERNETES_SERVICE_HOST '{host}' is not a valid host name or address.");
        }

        var tokenPath = Path.Combine(serviceAccountDirectory, "token");
        if (!File.Exists(tokenPath))
        {
            throw new KubernetesConfigurationException(
                $"The service account token '{tokenPath}' does not exist; is automountServiceAccountToken disabled for this pod?");
        }

        var caPath = Path.Combine(serviceAccountDirectory, "ca.crt");
        if (!File.Exists(caPath))
        {
            throw new KubernetesConfigurationException($"The service account CA certificate '{caPath}' does not exist.");
        }

        var authorities = PemCertificates.ParseAuthorities(File.ReadAllText(caPath), $"the service account CA certificate '{caPath}'");
        var namespacePath = Path.Combine(serviceAccountDirectory, "namespace");
        var ns = File.Exists(namespacePath) ? File.ReadAllText(namespacePath).Trim() : string.Empty;

        return new KubernetesConfiguration
        {
            Server = server,
            CertificateAuthorities = authorities,
            Token = new FileTokenSource(tokenPath, timeProvider),
            Namespace = ns.Length == 0 ? "default" : ns,
            Source = "in-cluster service account",
        };
    }
}
