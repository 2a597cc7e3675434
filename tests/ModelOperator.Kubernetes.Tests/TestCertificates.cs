using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ModelOperator.Kubernetes.Tests;

/// <summary>Self-signed certificates made on the fly, as PEM text, for kubeconfig and TLS tests.</summary>
internal sealed class TestCertificates
{
    private TestCertificates(string certificatePem, string keyPem, string thumbprint)
    {
        CertificatePem = certificatePem;
        KeyPem = keyPem;
        Thumbprint = thumbprint;
    }

    public string CertificatePem { get; }

    public string KeyPem { get; }

    public string Thumbprint { get; }

    public string CertificateBase64 => Convert.ToBase64String(Encoding.UTF8.GetBytes(CertificatePem));

    public string KeyBase64 => Convert.ToBase64String(Encoding.UTF8.GetBytes(KeyPem));

    public static TestCertificates Create(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={subject}", key, HashAlgorithmName.SHA256);
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        return new TestCertificates(certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem(), certificate.Thumbprint);
    }
}

/// <summary>A temporary directory removed when disposed.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = Directory.CreateTempSubdirectory("modeloperator-k8s-tests-").FullName;
    }

    public string Path { get; }

    public string Write(string relativePath, string content)
    {
        var full = System.IO.Path.Combine(Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return full;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
