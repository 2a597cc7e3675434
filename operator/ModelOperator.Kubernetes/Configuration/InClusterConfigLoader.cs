using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using k8s.Authentication;
using ClientConfiguration = k8s.KubernetesClientConfiguration;

namespace ModelOperator.Kubernetes.Configuration;

/// <summary>
/// Configuration for a pod: the API server from <c>KUBERNETES_SERVICE_HOST</c>/<c>KUBERNETES_SERVICE_PORT</c>,
/// credentials from the mounted service account (<c>token</c>, <c>ca.crt</c>, <c>namespace</c>). The token is
/// KubernetesClient's <c>TokenFileAuth</c> (re-read every minute, and after a 401), because the kubelet rotates it.
/// This thin path stays instead of KubernetesClient's <c>InClusterConfig()</c>, which builds the same thing but reads the
/// process environment and the fixed folder <see cref="DefaultServiceAccountDirectory"/> with no way to point it
/// elsewhere, so it could not be tested here; it also names less precisely what is missing.
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
        string serviceAccountDirectory = DefaultServiceAccountDirectory)
    {
        getEnvironmentVariable ??= Environment.GetEnvironmentVariable;
        var host = getEnvironmentVariable("KUBERNETES_SERVICE_HOST");
        var port = getEnvironmentVariable("KUBERNETES_SERVICE_PORT");
        if (string.IsNullOrEmpty(host) || string.IsNullOrEmpty(port))
        {
            throw new KubernetesConfigurationException(
                "Not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must both be set.");
        }

        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var portNumber) || portNumber is < 1 or > 65535)
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

        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPem(File.ReadAllText(caPath));
        }
        catch (CryptographicException e)
        {
            throw new KubernetesConfigurationException($"Cannot parse the service account CA certificate '{caPath}' as PEM certificates: {e.Message}", e);
        }

        if (authorities.Count == 0)
        {
            throw new KubernetesConfigurationException($"The service account CA certificate '{caPath}' contains no PEM CERTIFICATE block.");
        }

        var namespacePath = Path.Combine(serviceAccountDirectory, "namespace");
        var config = new ClientConfiguration
        {
            Host = server.ToString(),
            SslCaCerts = authorities,
            TokenProvider = new TokenFileAuth(tokenPath),
            Namespace = File.Exists(namespacePath) ? File.ReadAllText(namespacePath).Trim() : null,
        };
        return ClientConfigurationAdapter.From(config, () => new TokenFileAuth(tokenPath), "in-cluster service account");
    }
}
