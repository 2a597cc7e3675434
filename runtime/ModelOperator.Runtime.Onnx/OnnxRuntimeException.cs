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
        _ => $"ORT error {ErrorCode}",
    };
}
