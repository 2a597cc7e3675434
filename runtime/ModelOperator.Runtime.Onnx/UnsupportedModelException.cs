namespace ModelOperator.Runtime.Onnx;

/// <summary>
/// The model loads in ONNX Runtime but uses something this binding does not support, such as an
/// input or output of an unsupported element type. The message names the tensor and what is allowed.
/// </summary>
public sealed class UnsupportedModelException : Exception
{
    public UnsupportedModelException()
    {
    }

    public UnsupportedModelException(string message)
        : base(message)
    {
    }

    public UnsupportedModelException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
