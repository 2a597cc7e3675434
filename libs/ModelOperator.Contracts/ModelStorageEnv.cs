namespace ModelOperator.Contracts;

/// <summary>
/// The environment variables through which the operator tells the model server how to reach model storage and how
/// to drain, read by the server's settings. Secret values reach the pod only as <c>valueFrom.secretKeyRef</c>
/// (the operator never reads a Secret); the server is told the Secret's name too, so that a missing key can be
/// reported by name without the value ever being shown.
/// </summary>
public static class ModelStorageEnv
{
    /// <summary>How long the server keeps answering after SIGTERM with readiness failing (a <see cref="GoDuration"/>).</summary>
    public const string DrainPeriod = "DRAIN_PERIOD";

    /// <summary>DRAIN_PERIOD when unset: long enough for kube-proxy, Gateways and Ingress controllers to stop sending to a terminating pod.</summary>
    public static readonly TimeSpan DefaultDrainPeriod = TimeSpan.FromSeconds(5);

    /// <summary>The server's SHUTDOWN_TIMEOUT when unset (after the drain, for the requests in flight); the operator does not set it.</summary>
    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(25);

    /// <summary>The S3 access key id when keys come from a Secret (unset: the AWS SDK's default credential chain).</summary>
    public const string S3AccessKeyId = "MODEL_S3_ACCESS_KEY_ID";

    /// <summary>The S3 secret access key when keys come from a Secret.</summary>
    public const string S3SecretAccessKey = "MODEL_S3_SECRET_ACCESS_KEY";

    /// <summary>The name of the Secret the S3 keys come from; set, the keys are required and the default chain is not used.</summary>
    public const string S3CredentialsSecret = "MODEL_S3_CREDENTIALS_SECRET";

    /// <summary>The S3 region (the AWS SDK's own variable).</summary>
    public const string S3Region = "AWS_REGION";

    /// <summary>The URL of an S3-compatible endpoint (MinIO, Ceph, ...), addressed path-style.</summary>
    public const string S3Endpoint = ModelServerEnv.S3Endpoint;

    /// <summary>The name of the header sent with http(s) model downloads, e.g. Authorization.</summary>
    public const string HttpHeaderName = "MODEL_HTTP_HEADER_NAME";

    /// <summary>The header's value (from a Secret key).</summary>
    public const string HttpHeaderValue = "MODEL_HTTP_HEADER_VALUE";

    /// <summary>The name of the Secret the header's value comes from; set, the value is required.</summary>
    public const string HttpHeaderSecret = "MODEL_HTTP_HEADER_SECRET";

    /// <summary>Every variable above that the operator sets from <c>spec.model</c>; <c>spec.runtime.env</c> may not set them too.</summary>
    public static IReadOnlyList<string> FromModelSpec { get; } =
        [S3AccessKeyId, S3SecretAccessKey, S3CredentialsSecret, S3Region, S3Endpoint, HttpHeaderName, HttpHeaderValue, HttpHeaderSecret];

    // Headers HTTP itself or the download sets, and the hop-by-hop ones (RFC 9110 7.6.1): a user's value would break the
    // request, smuggle another one, or be meant for a proxy.
    private static readonly string[] ReservedHeaders =
        ["Host", "Content-Length", "Transfer-Encoding", "Connection", "Range", "Expect", "Upgrade", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Proxy-Authenticate", "Proxy-Authorization"];

    /// <summary>
    /// Why <paramref name="name"/> cannot be the download header (it must be an HTTP token, RFC 9110, at most 100
    /// characters, and not one HTTP itself sets), or null when it can. Both the operator's validation and the server use it.
    /// </summary>
    public static string? HeaderNameProblem(string name)
    {
        const string allowed = "letters, digits and !#$%&'*+-.^_`|~, at most 100 characters, e.g. Authorization or X-Api-Key";
        if (string.IsNullOrEmpty(name) || name.Length > 100 || !name.All(IsTokenChar))
        {
            return $"\"{(name is { Length: > 100 } ? name[..100] + "…" : name)}\" is not an HTTP header name; use {allowed}";
        }

        return ReservedHeaders.Contains(name, StringComparer.OrdinalIgnoreCase)
            ? $"\"{name}\" is set by HTTP itself; use another header, e.g. Authorization or X-Api-Key"
            : null;
    }

    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);
}
