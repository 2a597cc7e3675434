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
