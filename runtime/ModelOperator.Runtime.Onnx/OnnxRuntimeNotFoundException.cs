namespace ModelOperator.Runtime.Onnx;

/// <summary>
/// The ONNX Runtime native library could not be loaded (for example, an application published
/// without its runtimes/ folder, or for another platform). The message is one line.
/// </summary>
public sealed class OnnxRuntimeNotFoundException : Exception
{
    public OnnxRuntimeNotFoundException()
    {
    }

    public OnnxRuntimeNotFoundException(string message)
        : base(message)
    {
    }

    public OnnxRuntimeNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
