using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Api.Validation;

/// <summary>
/// Checks how the model's storage is reached (<c>spec.model.s3</c>, <c>spec.model.http</c>) and the drain setting:
/// each applies only to URIs of its scheme, endpoints carry no credentials, the header is one HTTP lets a client set,
/// and <c>spec.runtime.env</c> does not set what these fields become.
/// </summary>
public static class ModelStorageValidator
{
    /// <summary>The longest DRAIN_PERIOD: the pod's terminationGracePeriodSeconds grows with it.</summary>
    public static readonly TimeSpan MaxDrainPeriod = TimeSpan.FromMinutes(10);

    public static void Check(ModelDeploymentSpec spec, List<FieldProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(problems);
        var model = spec.Model;
        var uris = new[] { model?.Uri, model?.Profile?.Uri }.OfType<string>().ToList();
        if (model?.S3 is { } s3)
        {
            RequireScheme("spec.model.s3", "s3://", uris, problems);
            if (s3.Endpoint is { } endpoint
                && !(Uri.TryCreate(endpoint, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https" && parsed.Host.Length > 0 && parsed.UserInfo.Length == 0))
            {
                problems.Add(new("spec.model.s3.endpoint", $"\"{ModelOperator.Runtime.Protocol.UriRedaction.Redact(endpoint)}\" is not an http(s) URL without credentials; write e.g. http://minio.storage:9000 and put keys in secretRef"));
            }
        }

        if (model?.Http is { } http)
        {
            RequireScheme("spec.model.http", "http:// or https://", uris, problems);
            if (ModelStorageEnv.HeaderNameProblem(http.HeaderName ?? HttpStorage.DefaultHeaderName) is { } header)
            {
                problems.Add(new("spec.model.http.headerName", header));
            }

            if (http.HeaderSecretRef is null)
            {
                problems.Add(new("spec.model.http.headerSecretRef", "is missing; name the Secret and key holding the header's value (e.g. name: model-token, key: authorization)"));
            }
        }

        CheckEnv(spec.Runtime?.Env, model, problems);
    }

    /// <summary>The names of the variables <paramref name="model"/>'s storage settings become (see ModelStorageEnv).</summary>
    public static IReadOnlyList<string> EnvNames(ModelSource? model)
    {
        var names = new List<string>();
        if (model?.S3 is { } s3)
        {
            if (s3.SecretRef is not null)
            {
                names.AddRange([ModelStorageEnv.S3AccessKeyId, ModelStorageEnv.S3SecretAccessKey, ModelStorageEnv.S3CredentialsSecret]);
            }

            if (s3.Region is not null)
            {
                names.Add(ModelStorageEnv.S3Region);
            }

            if (s3.Endpoint is not null)
            {
                names.Add(ModelStorageEnv.S3Endpoint);
            }
        }

        if (model?.Http is not null)
        {
            names.AddRange([ModelStorageEnv.HttpHeaderName, ModelStorageEnv.HttpHeaderValue, ModelStorageEnv.HttpHeaderSecret]);
        }

        return names;
    }

    private static void RequireScheme(string path, string scheme, List<string> uris, List<FieldProblem> problems)
    {
        var prefixes = scheme.Split(" or ");
        if (!uris.Any(u => prefixes.Any(p => u.StartsWith(p, StringComparison.Ordinal))))
        {
            problems.Add(new(path, $"applies to {scheme} URIs, but neither spec.model.uri nor spec.model.profile.uri is one; remove it or use such a URI"));
        }
    }

    private static void CheckEnv(IReadOnlyList<EnvVar>? env, ModelSource? model, List<FieldProblem> problems)
    {
        var fromModel = EnvNames(model);
        for (var i = 0; i < (env?.Count ?? 0); i++)
        {
            var variable = env![i];
            if (fromModel.Contains(variable.Name, StringComparer.Ordinal))
            {
                problems.Add(new($"spec.runtime.env[{i}].name", $"{variable.Name} is set by the operator from spec.model.s3 or spec.model.http; set it there instead"));
            }
            else if (variable.Name == ModelStorageEnv.DrainPeriod
                     && !(variable.ValueFrom is null && GoDuration.TryParse(variable.Value ?? string.Empty, out var drain) && drain <= MaxDrainPeriod))
            {
                // The operator reads it to size terminationGracePeriodSeconds, so it must be a literal it can read.
                problems.Add(new($"spec.runtime.env[{i}].value", $"{ModelStorageEnv.DrainPeriod} must be a literal value: {GoDuration.Allowed}, from 0 to {GoDuration.Format(MaxDrainPeriod)} (not valueFrom)"));
            }
        }
    }
}
