using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s.Authentication;
using ClientConfiguration = k8s.KubernetesClientConfiguration;

namespace ModelOperator.Kubernetes.Configuration;

/// <summary>Turns KubernetesClient's <c>KubernetesClientConfiguration</c> into the project client's <see cref="KubernetesConfiguration"/>.</summary>
internal static class ClientConfigurationAdapter
{
    /// <param name="renew">Creates a fresh token provider after a 401; null reuses the configured one.</param>
    public static KubernetesConfiguration From(ClientConfiguration config, Func<ITokenProvider>? renew, string source)
    {
        if (!Uri.TryCreate(config.Host, UriKind.Absolute, out var server) || (server.Scheme != Uri.UriSchemeHttps && server.Scheme != Uri.UriSchemeHttp))
        {
            throw new KubernetesConfigurationException($"The server '{config.Host}' of {source} is not an absolute http(s) URL.");
        }

        if (!string.IsNullOrEmpty(config.Username) && config.TokenProvider is null && string.IsNullOrEmpty(config.AccessToken))
        {
            throw new KubernetesConfigurationException(
                $"The user of {source} uses basic auth (username/password), which Kubernetes no longer supports. Use a token, tokenFile, client certificate or exec plugin.");
        }

        KubernetesCredentials? credentials = null;
        if (renew is not null)
        {
            credentials = new KubernetesCredentials(renew);
        }
        else if (config.TokenProvider is { } provider)
        {
            credentials = new KubernetesCredentials(() => provider);
        }
        else if (!string.IsNullOrWhiteSpace(config.AccessToken))
        {
            credentials = KubernetesCredentials.Token(config.AccessToken);
        }

        return new KubernetesConfiguration
        {
            Server = server,
            CertificateAuthorities = config.SslCaCerts is { Count: > 0 } cas ? cas : null,
            InsecureSkipTlsVerify = config.SkipTlsVerify,
            TlsServerName = string.IsNullOrEmpty(config.TlsServerName) ? null : config.TlsServerName,
            Credentials = credentials,
            ClientCertificate = ClientCertificate(config, source),
            Namespace = string.IsNullOrEmpty(config.Namespace) ? "default" : config.Namespace.Trim(),
            Source = source,
        };
    }

    private static X509Certificate2? ClientCertificate(ClientConfiguration config, string source)
    {
        try
        {
            if (!string.IsNullOrEmpty(config.ClientCertificateData) && !string.IsNullOrEmpty(config.ClientCertificateKeyData))
            {
                return X509Certificate2.CreateFromPem(Decode(config.ClientCertificateData), Decode(config.ClientCertificateKeyData));
            }

            if (!string.IsNullOrEmpty(config.ClientCertificateFilePath) && !string.IsNullOrEmpty(config.ClientKeyFilePath))
            {
                return X509Certificate2.CreateFromPemFile(config.ClientCertificateFilePath, config.ClientKeyFilePath);
            }
        }
        catch (Exception e) when (e is CryptographicException or FormatException or IOException or UnauthorizedAccessException)
        {
            throw new KubernetesConfigurationException(
                $"The client certificate and key of {source} could not be loaded as PEM (a CERTIFICATE block and a matching PRIVATE KEY block are expected): {e.Message}", e);
        }

        return null;
    }

    // KubernetesClient keeps certificate data base64-encoded, as the kubeconfig has it (and as it re-encodes an exec plugin's PEM).
    private static string Decode(string base64) => Encoding.UTF8.GetString(Convert.FromBase64String(base64.Trim()));
}
