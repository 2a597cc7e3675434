namespace ModelOperator.Runtime.Protocol;

/// <summary>
/// A request that breaks the protocol or does not fit the model. The message is meant for the
/// caller as is: it names what was wrong and what is allowed. Maps to a 4xx response.
/// </summary>
public sealed class ProtocolException : Exception
{
    public ProtocolException(string message, int statusCode = 400)
        : base(message) => StatusCode = statusCode;

    public ProtocolException()
        : this("bad request")
    {
    }

    public ProtocolException(string message, Exception innerException)
        : base(message, innerException) => StatusCode = 400;

    /// <summary>The HTTP status code to answer with (400 unless said otherwise).</summary>
    public int StatusCode { get; }
}
