using ModelOperator.Api.Schema;

namespace ModelOperator.Api;

/// <summary>The model file and its identity.</summary>
[Description("The model to serve and where its file is.")]
public sealed record ModelSource
{
    public const string NamePattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$";
    public const string UriPattern = "^(/|file://|pvc://|https?://|s3://)";
    public const string Sha256Pattern = "^[0-9a-f]{64}$";

    /// <summary>The longest model or profile URI: room for a presigned URL's query, and a bound on what each revision records.</summary>
    public const int MaxUriLength = 4096;

    [Description("The model's name as clients address it (1-63 characters of letters, digits, '.', '_' and '-', starting with a letter or digit).")]
    [Required]
    [Length(1, 63)]
    [Pattern(NamePattern)]
    public string? Name { get; init; }

    [Description("The model version, shown in status and metrics (1-63 characters of letters, digits, '.', '_' and '-', starting with a letter or digit).")]
    [Required]
    [Length(1, 63)]
    [Pattern(NamePattern)]
    public string? Version { get; init; }

    [Description("Where the ONNX file is: an absolute path or file:// URI inside the pod, pvc://CLAIM/PATH (a PersistentVolumeClaim mounted read-only), http:// or https://, or s3://BUCKET/KEY.")]
    [Required]
    [Length(1, MaxUriLength)]
    [Pattern(UriPattern)]
    public string? Uri { get; init; }

    [Description("The sha256 of the model file as 64 lowercase hexadecimal characters; a pod refuses to serve a file that does not match.")]
    [Required]
    [Length(64, 64)]
    [Pattern(Sha256Pattern)]
    public string? Sha256 { get; init; }

    [Description("The reference profile of the training data (feature histograms), used to measure feature drift. Needed by rollout.analysis.maxFeatureDrift.")]
    public ModelProfile? Profile { get; init; }

    [Description("How s3:// URIs (model and profile) are read: keys from a Secret, or without secretRef the pod's own identity (the AWS SDK's default chain, e.g. EKS IRSA's web identity token), plus region and endpoint.")]
    public S3Storage? S3 { get; init; }

    [Description("How http(s):// URIs (model and profile) are read: an optional header, e.g. Authorization, whose value comes from a Secret key.")]
    public HttpStorage? Http { get; init; }
}

/// <summary>Credentials and place of an S3 (or S3-compatible) store. The operator never reads the Secret: the pod does, through secretKeyRef.</summary>
[Description("Credentials and place of an S3 or S3-compatible store.")]
public sealed record S3Storage
{
    public const string DefaultAccessKeyIdKey = "AWS_ACCESS_KEY_ID";
    public const string DefaultSecretAccessKeyKey = "AWS_SECRET_ACCESS_KEY";
    public const string SecretKeyPattern = "^[-._a-zA-Z0-9]+$";
    public const string RegionPattern = "^[A-Za-z0-9_-]+$";

    [Description("The Secret, in the ModelDeployment's namespace, holding the access keys. Omitted: the pod's own identity (the AWS SDK's default credential chain: web identity token file as EKS IRSA injects it, container or instance role).")]
    public SecretName? SecretRef { get; init; }

    [Description("The Secret's key holding the access key id.")]
    [Length(1, 253)]
    [Pattern(SecretKeyPattern)]
    [Default(DefaultAccessKeyIdKey)]
    public string? AccessKeyIdKey { get; init; }

    [Description("The Secret's key holding the secret access key.")]
    [Length(1, 253)]
    [Pattern(SecretKeyPattern)]
    [Default(DefaultSecretAccessKeyKey)]
    public string? SecretAccessKeyKey { get; init; }

    [Description("The bucket's region, e.g. eu-west-1 (default us-east-1; most S3-compatible stores accept any).")]
    [Length(1, 64)]
    [Pattern(RegionPattern)]
    public string? Region { get; init; }

    [Description("The URL of an S3-compatible store (MinIO, Ceph, ...), e.g. http://minio.storage:9000, addressed path-style. Omitted: AWS S3.")]
    [Length(1, 2048)]
    [Pattern("^https?://")]
    public string? Endpoint { get; init; }
}

/// <summary>A header sent with http(s) downloads, its value from a Secret key.</summary>
[Description("A header sent with http(s) downloads, its value from a Secret key.")]
public sealed record HttpStorage
{
    public const string DefaultHeaderName = "Authorization";

    [Description("The header's name.")]
    [Length(1, 100)]
    [Default(DefaultHeaderName)]
    public string? HeaderName { get; init; }

    [Description("The Secret key, in the ModelDeployment's namespace, holding the header's whole value (e.g. \"Bearer <token>\"). It is sent only to the URI's own host, also after a redirect.")]
    [Required]
    public SecretKey? HeaderSecretRef { get; init; }
}

/// <summary>A Secret in the ModelDeployment's namespace, by name.</summary>
[Description("A Secret in the ModelDeployment's namespace.")]
public sealed record SecretName
{
    [Description("The Secret's name.")]
    [Required]
    [Length(1, 253)]
    [Pattern(GatewayApiRouting.DnsSubdomainPattern)]
    public string? Name { get; init; }
}

/// <summary>One key of a Secret in the ModelDeployment's namespace.</summary>
[Description("One key of a Secret in the ModelDeployment's namespace.")]
public sealed record SecretKey
{
    [Description("The Secret's name.")]
    [Required]
    [Length(1, 253)]
    [Pattern(GatewayApiRouting.DnsSubdomainPattern)]
    public string? Name { get; init; }

    [Description("The key within the Secret.")]
    [Required]
    [Length(1, 253)]
    [Pattern(S3Storage.SecretKeyPattern)]
    public string? Key { get; init; }
}

/// <summary>The reference profile file and its checksum.</summary>
[Description("A reference profile file and its checksum.")]
public sealed record ModelProfile
{
    [Description("Where the profile JSON is, with the same forms as model.uri: a path, file://, pvc://CLAIM/PATH, http(s):// or s3://BUCKET/KEY.")]
    [Required]
    [Length(1, ModelSource.MaxUriLength)]
    [Pattern(ModelSource.UriPattern)]
    public string? Uri { get; init; }

    [Description("The sha256 of the profile file as 64 lowercase hexadecimal characters.")]
    [Required]
    [Length(64, 64)]
    [Pattern(ModelSource.Sha256Pattern)]
    public string? Sha256 { get; init; }
}
