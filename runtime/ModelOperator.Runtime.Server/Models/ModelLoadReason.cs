namespace ModelOperator.Runtime.Server.Models;

/// <summary>
/// Stable reason words for a model that is not ready. They appear on the ready and metadata
/// endpoints and as the <c>reason</c> label of <c>modelserver_model_load_failures_total</c>,
/// and the operator copies them into ModelDeployment conditions, so they never change meaning.
/// </summary>
internal static class ModelLoadReason
{
    /// <summary>The model is being fetched, verified, loaded or warmed.</summary>
    public const string Loading = "Loading";

    /// <summary>The model URI points to nothing (missing file, HTTP 404, no such S3 key).</summary>
    public const string ModelNotFound = "ModelNotFound";

    /// <summary>The model could not be downloaded after every attempt (network, 5xx, timeout, access denied).</summary>
    public const string DownloadFailed = "DownloadFailed";

    /// <summary>The model's sha256 differs from MODEL_SHA256; it is never served.</summary>
    public const string ChecksumMismatch = "ChecksumMismatch";

    /// <summary>ONNX Runtime refused the file (not an ONNX model, corrupt, unsupported opset).</summary>
    public const string InvalidModel = "InvalidModel";

    /// <summary>The model has an input or output of a datatype this server does not serve, or keeps tensors in external data files.</summary>
    public const string UnsupportedModel = "UnsupportedModel";

    /// <summary>The model file is larger than MAX_MODEL_BYTES; it is neither downloaded nor served.</summary>
    public const string ModelTooLarge = "ModelTooLarge";

    /// <summary>The model loaded but its warm-up run failed.</summary>
    public const string WarmupFailed = "WarmupFailed";

    /// <summary>The model URI has a scheme this server cannot fetch.</summary>
    public const string UnsupportedUri = "UnsupportedUri";

    /// <summary>The reference profile is malformed, of an unknown version, or does not fit the model's tensors.</summary>
    public const string InvalidProfile = "InvalidProfile";

    /// <summary>Every reason, for pre-creating metric series.</summary>
    public static readonly string[] Failures =
        [ModelNotFound, DownloadFailed, ChecksumMismatch, ModelTooLarge, InvalidModel, UnsupportedModel, WarmupFailed, UnsupportedUri, InvalidProfile];
}

/// <summary>A model that could not be made ready, with its stable reason word.</summary>
internal sealed class ModelLoadException : Exception
{
    public ModelLoadException(string reason, string message, Exception? inner = null)
        : base(message, inner) => Reason = reason;

    public ModelLoadException()
        : this(ModelLoadReason.InvalidModel, "model load failed")
    {
    }

    public ModelLoadException(string message)
        : this(ModelLoadReason.InvalidModel, message)
    {
    }

    public ModelLoadException(string message, Exception innerException)
        : this(ModelLoadReason.InvalidModel, message, innerException)
    {
    }

    public string Reason { get; }
}
