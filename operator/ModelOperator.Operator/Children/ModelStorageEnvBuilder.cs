using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Rollouts.Planning;

namespace ModelOperator.Operator.Children;

/// <summary>
/// The model server's environment for reaching model storage (<c>spec.model.s3</c>, <c>spec.model.http</c>) and for
/// draining, and the pod's grace period that covers the drain (pure). Secret values are never read here: they become
/// <c>valueFrom.secretKeyRef</c>, resolved by the kubelet, so the operator needs no access to Secrets.
/// </summary>
public static class ModelStorageEnvBuilder
{
    /// <summary>Time for the process to exit after the server's own shutdown timeout has run out.</summary>
    public static readonly TimeSpan ExitMargin = TimeSpan.FromSeconds(5);

    /// <summary>The variables for the revision's model storage and its drain; names from <see cref="ModelStorageEnv"/>.</summary>
    public static IEnumerable<EnvVar> For(RevisionSpec revision)
    {
        ArgumentNullException.ThrowIfNull(revision);
        var model = revision.Model;
        if (revision.DrainPeriodInSpec is null)
        {
            yield return new() { Name = ModelStorageEnv.DrainPeriod, Value = GoDuration.Format(revision.DrainPeriod) };
        }

        if (model.S3 is { } s3)
        {
            if (s3.SecretRef?.Name is { } secret)
            {
                yield return FromSecret(ModelStorageEnv.S3AccessKeyId, secret, s3.AccessKeyIdKey ?? S3Storage.DefaultAccessKeyIdKey);
                yield return FromSecret(ModelStorageEnv.S3SecretAccessKey, secret, s3.SecretAccessKeyKey ?? S3Storage.DefaultSecretAccessKeyKey);
                yield return new() { Name = ModelStorageEnv.S3CredentialsSecret, Value = secret };
            }

            if (s3.Region is { } region)
            {
                yield return new() { Name = ModelStorageEnv.S3Region, Value = region };
            }

            if (s3.Endpoint is { } endpoint)
            {
                yield return new() { Name = ModelStorageEnv.S3Endpoint, Value = endpoint };
            }
        }

        if (model.Http is { HeaderSecretRef: { Name: { } headerSecret, Key: { } headerKey } } http)
        {
            yield return new() { Name = ModelStorageEnv.HttpHeaderName, Value = http.HeaderName ?? HttpStorage.DefaultHeaderName };
            yield return FromSecret(ModelStorageEnv.HttpHeaderValue, headerSecret, headerKey);
            yield return new() { Name = ModelStorageEnv.HttpHeaderSecret, Value = headerSecret };
        }
    }

    /// <summary>
    /// The pod's terminationGracePeriodSeconds: the revision's drain (<see cref="RevisionSpec.DrainPeriod"/>), then the
    /// server's shutdown timeout for requests in flight, then <see cref="ExitMargin"/>; the kubelet's SIGKILL comes after all three.
    /// </summary>
    public static long TerminationGracePeriodSeconds(RevisionSpec revision)
    {
        ArgumentNullException.ThrowIfNull(revision);
        var total = revision.DrainPeriod + ModelStorageEnv.DefaultShutdownTimeout + ExitMargin;
        return (long)Math.Ceiling(total.TotalSeconds);
    }

    // optional: a missing Secret or key then starts the pod, whose server reports DownloadFailed naming the Secret (the
    // ModelDeployment's status shows it), instead of a pod stuck in CreateContainerConfigError that the status cannot explain.
    private static EnvVar FromSecret(string name, string secret, string key)
    {
        var source = new JsonObject { ["secretKeyRef"] = new JsonObject { ["name"] = secret, ["key"] = key, ["optional"] = true } };
        using var document = JsonDocument.Parse(source.ToJsonString());
        return new() { Name = name, ValueFrom = document.RootElement.Clone() };
    }
}
