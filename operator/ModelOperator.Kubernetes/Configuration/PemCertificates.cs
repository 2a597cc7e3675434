using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ModelOperator.Kubernetes.Configuration;

internal static class PemCertificates
{
    /// <summary>Every CERTIFICATE block in <paramref name="pem"/>; an error naming <paramref name="what"/> when there is none.</summary>
    public static X509Certificate2Collection ParseAuthorities(string pem, string what)
    {
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPem(pem);
        }
        catch (CryptographicException e)
        {
            throw new KubernetesConfigurationException($"Cannot parse {what} as PEM certificates: {e.Message}", e);
        }

        if (collection.Count == 0)
        {
            throw new KubernetesConfigurationException($"{char.ToUpperInvariant(what[0])}{what[1..]} contains no PEM CERTIFICATE block.");
        }

        return collection;
    }
}
