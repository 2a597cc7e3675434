namespace ModelOperator.Runtime.Onnx;

/// <summary>An error reported by ONNX Runtime: its status code and its message, copied.</summary>
public class OnnxRuntimeException : Exception
{
    public OnnxRuntimeException()
    {
    }

    public OnnxRuntimeException(string message)
        : base(message)
    {
    }

    public OnnxRuntimeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public OnnxRuntimeException(int errorCode, string message)
        : base(message)
    {
        ErrorCode = errorCode;
    }

    /// <summary>
    /// Maps the package's exception, whose only carrier of the status code is a
    /// <c>[ErrorCode:Name] </c> prefix of its message, to one with <see cref="ErrorCode"/> set and the
    /// prefix removed. A message without a known prefix becomes ORT_FAIL (1) with the message kept whole.
    /// </summary>
    public static OnnxRuntimeException FromPackage(Exception packageException)
    {
        ArgumentNullException.ThrowIfNull(packageException);
        var (code, message) = ParsePrefixedMessage(packageException.Message);
        return new OnnxRuntimeException(code, message, packageException);
    }

    public OnnxRuntimeException(int errorCode, string message, Exception innerException)
        : base(message, innerException)
    {
        ErrorCode = errorCode;
    }

    /// <summary>Splits "[ErrorCode:InvalidArgument] text" into (2, "text"); see <see cref="FromPackage"/>.</summary>
    internal static (int Code, string Message) ParsePrefixedMessage(string message)
    {
        const string Prefix = "[ErrorCode:";
        var end = message.IndexOf(']', StringComparison.Ordinal);
        if (!message.StartsWith(Prefix, StringComparison.Ordinal) || end < 0)
        {
            return (1, message);
        }

        var code = message[Prefix.Length..end] switch
        {
            "Ok" => 0,
            "Fail" => 1,
            "InvalidArgument" => 2,
            "NoSuchFile" => 3,
            "NoModel" => 4,
            "EngineError" => 5,
            "RuntimeException" => 6,
            "InvalidProtobuf" => 7,
            "ModelLoaded" => 8,
            "NotImplemented" => 9,
            "InvalidGraph" => 10,
            // The package names native codes 11 and 12 after its own older enum.
            "ShapeInferenceNotRegistered" => 11,
            "RequirementNotRegistered" => 12,
            _ => -1,
        };
        return code < 0 ? (1, message) : (code, message[(end + 1)..].TrimStart());
    }

    /// <summary>ONNX Runtime's <c>OrtErrorCode</c>, e.g. 2 = INVALID_ARGUMENT, 7 = INVALID_PROTOBUF.</summary>
    public int ErrorCode { get; }

    /// <summary>The name of <see cref="ErrorCode"/> as in the C API, e.g. "ORT_INVALID_PROTOBUF".</summary>
    public string ErrorCodeName => ErrorCode switch
    {
        0 => "ORT_OK",
        1 => "ORT_FAIL",
        2 => "ORT_INVALID_ARGUMENT",
        3 => "ORT_NO_SUCHFILE",
        4 => "ORT_NO_MODEL",
        5 => "ORT_ENGINE_ERROR",
        6 => "ORT_RUNTIME_EXCEPTION",
        7 => "ORT_INVALID_PROTOBUF",
        8 => "ORT_MODEL_LOADED",
        9 => "ORT_NOT_IMPLEMENTED",
        10 => "ORT_INVALID_GRAPH",
        11 => "ORT_EP_FAIL",
        12 => "ORT_MODEL_LOAD_CANCELED",
        _ => $"ORT error {ErrorCode}",
    };
}
