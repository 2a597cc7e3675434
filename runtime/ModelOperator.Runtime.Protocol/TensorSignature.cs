namespace ModelOperator.Runtime.Protocol;

/// <summary>One input or output of a model: its name, datatype and shape (-1 for a dynamic dimension).</summary>
public sealed record TensorSignature(string Name, DataType DataType, IReadOnlyList<long> Shape)
{
    /// <summary>The name as UTF-8 bytes, for comparing with request JSON without allocating.</summary>
    public byte[] Utf8Name { get; } = System.Text.Encoding.UTF8.GetBytes(Name);

    public int Rank => Shape.Count;
}
