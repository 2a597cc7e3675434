namespace ModelOperator.Runtime.Protocol;

/// <summary>What a model accepts and returns: the contract a request is validated against.</summary>
public sealed record ModelSignature(IReadOnlyList<TensorSignature> Inputs, IReadOnlyList<TensorSignature> Outputs)
{
    /// <summary>Index of the input with this UTF-8 name, or -1.</summary>
    public int FindInput(ReadOnlySpan<byte> utf8Name) => Find(Inputs, utf8Name);

    /// <summary>Index of the output with this UTF-8 name, or -1.</summary>
    public int FindOutput(ReadOnlySpan<byte> utf8Name) => Find(Outputs, utf8Name);

    /// <summary>The input names, for error messages.</summary>
    public string InputNames => string.Join(", ", Inputs.Select(i => i.Name));

    /// <summary>The output names, for error messages.</summary>
    public string OutputNames => string.Join(", ", Outputs.Select(i => i.Name));

    private static int Find(IReadOnlyList<TensorSignature> tensors, ReadOnlySpan<byte> utf8Name)
    {
        for (var i = 0; i < tensors.Count; i++)
        {
            if (utf8Name.SequenceEqual(tensors[i].Utf8Name))
            {
                return i;
            }
        }

        return -1;
    }
}
