using Amazon.Runtime;
using Amazon.S3;
using ModelOperator.Runtime.Server.Hosting;

namespace ModelOperator.Runtime.Server.Models;

/// <summary>
/// The credentials a download uses, chosen from the settings. S3: keys from a Secret when the operator passed them
/// (MODEL_S3_* from spec.model.s3.secretRef), else the pod's own identity through the AWS SDK's default chain
/// (environment, web identity token file as EKS injects it, container and instance roles). http(s): an optional header
/// whose value comes from a Secret. A credential that should come from a Secret but is missing fails the download
/// with <see cref="ModelLoadReason.DownloadFailed"/> naming the Secret, never the value, and never falls back to
/// another identity.
/// </summary>
internal static class StorageCredentials
{
    /// <summary>Where the S3 credentials come from, in words, for messages.</summary>
    public static string S3Source(ServerOptions options) => UsesS3Keys(options)
        ? $"keys from Secret \"{options.S3CredentialsSecret ?? "(unnamed)"}\""
        : "the pod's own identity (the AWS SDK's default credential chain)";

    /// <summary>An S3 client with the configured credentials; <paramref name="shownUri"/> is the redacted model URI for messages.</summary>
    public static AmazonS3Client CreateS3Client(ServerOptions options, AmazonS3Config config, string shownUri)
    {
        if (!UsesS3Keys(options))
        {
            return new AmazonS3Client(config);
        }

        if (options.S3AccessKeyId is not { } keyId || options.S3SecretAccessKey is not { } secretKey)
        {
            var missing = options.S3AccessKeyId is null ? "access key id" : "secret access key";
            throw new ModelLoadException(
                ModelLoadReason.DownloadFailed,
                $"cannot download model {shownUri}: the S3 {missing} from {S3Source(options)} is missing or empty; check that the Secret exists in the pod's namespace and has the keys spec.model.s3 names");
        }

        return new AmazonS3Client(new BasicAWSCredentials(keyId.Reveal(), secretKey.Reveal()), config);
    }

    /// <summary>
    /// The header to send with an http(s) download, or null when none is configured. Throws when the header's value
    /// should come from a Secret but is missing.
    /// </summary>
    public static (string Name, string Value)? HttpHeader(ServerOptions options, string shownUri)
    {
        if (options.HttpHeaderName is not { } name)
        {
            return null;
        }

        if (options.HttpHeaderValue is not { } value)
        {
            throw new ModelLoadException(
                ModelLoadReason.DownloadFailed,
                $"cannot download model {shownUri}: the value of the {name} header from Secret \"{options.HttpHeaderSecret ?? "(unnamed)"}\" is missing or empty; check that the Secret exists in the pod's namespace and has the key spec.model.http.headerSecretRef names");
        }

        return (name, value.Reveal());
    }

    private static bool UsesS3Keys(ServerOptions options) =>
        options.S3CredentialsSecret is not null || options.S3AccessKeyId is not null || options.S3SecretAccessKey is not null;
}
