namespace ModelOperator.Runtime.Onnx;

/// <summary>A model input or output: its name, element type and shape (-1 for a dynamic dimension).</summary>
public sealed record TensorMetadata(string Name, TensorElementType ElementType, IReadOnlyList<long> Shape)
{
    /// <summary>The shape as text, e.g. "[-1, 8]".</summary>
    public string ShapeText => ShapeFormat.Format(Shape);

    public override string ToString() => $"{Name}: {TensorElementTypes.Name(ElementType)} {ShapeText}";
}
