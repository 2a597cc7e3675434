namespace ModelOperator.ApiServer.Patch;

/// <summary>A patch that is malformed (<see cref="Malformed"/>) or cannot be applied to the object.</summary>
internal sealed class PatchException : Exception
{
    public PatchException(string message, bool malformed)
        : base(message) => Malformed = malformed;

    public PatchException()
    {
    }

    public PatchException(string message)
        : base(message)
    {
    }

    public PatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public bool Malformed { get; }
}
