namespace ModelOperator.Runtime.Onnx;

/// <summary>
/// The ONNX Runtime native library could not be found or used. The message is one line saying
/// what was looked for and what to run to fetch the library.
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
