using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ModelOperator.Testing;

/// <summary>
/// A throwaway certificate authority made on the fly (ECDSA P-256, valid for a day) that issues TLS server
/// certificates, for tests of how clients verify an API server: its PEM goes into a kubeconfig's
/// <c>certificate-authority-data</c>, an issued certificate into a Kestrel HTTPS listener.
/// </summary>
public sealed class TestCertificateAuthority : IDisposable
{
    private TestCertificateAuthority(X509Certificate2 certificate) => Certificate = certificate;

    /// <summary>The authority's own certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The authority's certificate as base64 of its PEM, as <c>certificate-authority-data</c> holds it.</summary>
    public string CertificateAuthorityData => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Certificate.ExportCertificatePem()));

    public static TestCertificateAuthority Create(string name = "test-cluster-ca")
    {
        var now = DateTimeOffset.UtcNow;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return new TestCertificateAuthority(request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1)));
    }

    /// <summary>A server certificate (with its key) valid only for <paramref name="dnsNames"/> and <paramref name="addresses"/>.</summary>
    public X509Certificate2 IssueServerCertificate(IReadOnlyList<string> dnsNames, IReadOnlyList<IPAddress> addresses)
    {
        ArgumentNullException.ThrowIfNull(dnsNames);
        ArgumentNullException.ThrowIfNull(addresses);
        var now = DateTimeOffset.UtcNow;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=kube-apiserver", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames)
        {
            san.AddDnsName(name);
        }

        foreach (var address in addresses)
        {
            san.AddIpAddress(address);
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        // Never outlive the authority: a certificate valid past its issuer is refused at creation.
        var notAfter = new DateTimeOffset(Certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero).AddMinutes(-1);
        using var issued = request.Create(Certificate, now.AddMinutes(-5), notAfter, RandomNumberGenerator.GetBytes(8));
        using var withKey = issued.CopyWithPrivateKey(key);

        // Round-trip through PKCS#12 so the key is usable by the TLS stack on every platform.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    public void Dispose() => Certificate.Dispose();
}
