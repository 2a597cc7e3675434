namespace ModelOperator.Operator.Children;

/// <summary>
/// Turns a model or profile URI into what the model server reads inside the pod. Only <c>pvc://CLAIM/PATH</c> changes:
/// the claim is mounted read-only at <c>/mnt/pvc/CLAIM</c> and the server gets the file path
/// <c>/mnt/pvc/CLAIM/PATH</c>. Every other form (a path, <c>file://</c>, <c>http(s)://</c>, <c>s3://</c>) is passed on as is.
/// </summary>
public static class ModelUri
{
    public const string PvcScheme = "pvc://";
    public const string PvcMountRoot = "/mnt/pvc";

    /// <summary>The path or URI the server gets, and the claim to mount (null when none).</summary>
    /// <example><c>pvc://models/churn/1/model.onnx</c> → (<c>/mnt/pvc/models/churn/1/model.onnx</c>, <c>models</c>);
    /// <c>s3://bucket/key</c> → (<c>s3://bucket/key</c>, null).</example>
    public static (string ServerUri, string? Claim) Resolve(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.StartsWith(PvcScheme, StringComparison.Ordinal))
        {
            return (uri, null);
        }

        var rest = uri[PvcScheme.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == rest.Length - 1)
        {
            throw new ArgumentException($"\"{uri}\" is not pvc://CLAIM/PATH: it needs a claim name and a file path inside the claim.", nameof(uri));
        }

        var claim = rest[..slash];
        return ($"{MountPath(claim)}/{rest[(slash + 1)..]}", claim);
    }

    /// <summary>Where a claim is mounted.</summary>
    public static string MountPath(string claim) => $"{PvcMountRoot}/{claim}";
}
