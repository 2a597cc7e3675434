using System.Security.Cryptography.X509Certificates;

namespace ModelOperator.Kubernetes.Configuration;

/// <summary>
/// Everything the project's client needs to reach and authenticate to one API server. Built from KubernetesClient's
/// <c>KubernetesClientConfiguration</c> by <see cref="KubernetesConfigurationLoader"/> (kubeconfig or in-cluster); tests
/// and in-process tools set <see cref="Server"/> (and <see cref="Credentials"/>) directly.
/// </summary>
public sealed record KubernetesConfiguration
{
    /// <summary>The API server, e.g. <c>https://10.0.0.1:443</c>.</summary>
    public required Uri Server { get; init; }

    /// <summary>Certificates that anchor the server's chain (besides the system store); null uses the system store only.</summary>
    public X509Certificate2Collection? CertificateAuthorities { get; init; }

    /// <summary>Accept any server certificate. For development clusters only.</summary>
    public bool InsecureSkipTlsVerify { get; init; }

    /// <summary>The name the server's certificate is checked against instead of the host of <see cref="Server"/>.</summary>
    public string? TlsServerName { get; init; }

    /// <summary>The proxy every request goes through (a kubeconfig cluster's <c>proxy-url</c>), or null for the environment's.</summary>
    public Uri? ProxyUrl { get; init; }

    /// <summary>Bearer credentials, or null for none (e.g. client-certificate auth).</summary>
    public KubernetesCredentials? Credentials { get; init; }

    /// <summary>Client certificate with its private key, or null.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>The namespace of the context or of the service account; <c>default</c> when none is configured.</summary>
    public string Namespace { get; init; } = "default";

    /// <summary>Where this came from (files and context, or <c>in-cluster</c>), for messages.</summary>
    public string Source { get; init; } = "explicit";
}
