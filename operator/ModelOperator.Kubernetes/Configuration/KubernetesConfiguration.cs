using System.Security.Cryptography.X509Certificates;

namespace ModelOperator.Kubernetes.Configuration;

/// <summary>
/// Everything needed to reach and authenticate to one API server, resolved from a kubeconfig
/// (<see cref="KubeConfigLoader"/>) or the in-cluster service account (<see cref="InClusterConfigLoader"/>).
/// </summary>
public sealed record KubernetesConfiguration
{
    /// <summary>The API server, e.g. <c>https://10.0.0.1:443</c>.</summary>
    public required Uri Server { get; init; }

    /// <summary>Certificates to trust for the server instead of the system store; null uses the system store.</summary>
    public X509Certificate2Collection? CertificateAuthorities { get; init; }

    /// <summary>Accept any server certificate. For development clusters only.</summary>
    public bool InsecureSkipTlsVerify { get; init; }

    /// <summary>Bearer token source, or null for none (e.g. client-certificate auth).</summary>
    public ITokenSource? Token { get; init; }

    /// <summary>Client certificate with its private key, or null.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>The namespace of the context or of the service account; <c>default</c> when none is configured.</summary>
    public string Namespace { get; init; } = "default";

    /// <summary>Where this came from (file and context, or <c>in-cluster</c>), for messages.</summary>
    public string Source { get; init; } = "explicit";
}
