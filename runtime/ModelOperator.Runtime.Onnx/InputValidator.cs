using System.Globalization;

namespace ModelOperator.Runtime.Onnx;

/// <summary>
/// The checks <see cref="InferenceSession.Run"/> makes before calling native code: cheap, and each
/// failure is an <see cref="ArgumentException"/> that says what was wrong and what the model expects.
/// Nothing here allocates unless it throws.
/// </summary>
internal static class InputValidator
{
    /// <summary>
    /// Checks <paramref name="given"/> against the model's <paramref name="inputs"/>: every model input
    /// given exactly once (any order), each with the model's element type, rank, fixed dimensions and
    /// product(shape) * element size bytes of data. <paramref name="seen"/> is scratch space of length inputs.Count.
    /// </summary>
    public static void ValidateInputs(IReadOnlyList<TensorMetadata> inputs, ReadOnlySpan<InputTensor> given, Span<bool> seen)
    {
        seen.Clear();
        for (var i = 0; i < given.Length; i++)
        {
            ref readonly var t = ref given[i];
            if ((uint)t.InputIndex >= (uint)inputs.Count)
            {
                throw new ArgumentException(
                    $"Input tensor {i} refers to input index {t.InputIndex}, but the model has {inputs.Count} input(s) (indices 0 to {inputs.Count - 1}: {Names(inputs)}).",
                    nameof(given));
            }

            var meta = inputs[t.InputIndex];
            if (seen[t.InputIndex])
            {
                throw new ArgumentException($"Input '{meta.Name}' (index {t.InputIndex}) was given more than once; give each model input exactly once.", nameof(given));
            }

            seen[t.InputIndex] = true;
            ValidateOne(meta, t);
        }

        for (var i = 0; i < inputs.Count; i++)
        {
            if (!seen[i])
            {
                throw new ArgumentException(
                    $"Input '{inputs[i].Name}' (index {i}, {TensorElementTypes.Name(inputs[i].ElementType)} {inputs[i].ShapeText}) was not given; the model needs all of its inputs: {Names(inputs)}.",
                    nameof(given));
            }
        }
    }

    /// <summary>Checks one tensor against one model input.</summary>
    public static void ValidateOne(TensorMetadata meta, in InputTensor t)
    {
        if (t.ElementType != meta.ElementType)
        {
            throw new ArgumentException(
                $"Input '{meta.Name}' must be {TensorElementTypes.Name(meta.ElementType)}, got {TypeName(t.ElementType)}.", "inputs");
        }

        var shape = t.Shape.Span;
        if (shape.Length != meta.Shape.Count)
        {
            throw new ArgumentException(
                $"Input '{meta.Name}' must have rank {meta.Shape.Count} (shape {meta.ShapeText}), got rank {shape.Length} (shape {ShapeFormat.Format(shape)}).", "inputs");
        }

        long elements = 1;
        for (var d = 0; d < shape.Length; d++)
        {
            var dim = shape[d];
            if (dim < 0)
            {
                throw new ArgumentException(
                    $"Input '{meta.Name}' has dimension {d} = {dim} in shape {ShapeFormat.Format(shape)}; dimensions must be 0 or more.", "inputs");
            }

            var expected = meta.Shape[d];
            if (expected >= 0 && dim != expected)
            {
                throw new ArgumentException(
                    $"Input '{meta.Name}' dimension {d} must be {expected} (model shape {meta.ShapeText}), got {dim} (shape {ShapeFormat.Format(shape)}).", "inputs");
            }

            try
            {
                elements = checked(elements * dim);
            }
            catch (OverflowException)
            {
                throw new ArgumentException($"Input '{meta.Name}' shape {ShapeFormat.Format(shape)} has too many elements.", "inputs");
            }
        }

        if (!TensorElementTypes.IsFixedSize(meta.ElementType))
        {
            ValidateStrings(meta, shape, elements, t.Data.Span);
            return;
        }

        var size = TensorElementTypes.SizeOf(meta.ElementType);
        if (elements > long.MaxValue / size || elements * size != t.Data.Length)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture,
                    $"Input '{meta.Name}' with shape {ShapeFormat.Format(shape)} of {TensorElementTypes.Name(meta.ElementType)} needs {elements} x {size} = {elements * size} bytes of data, got {t.Data.Length}."),
                "inputs");
        }
    }

    // A string tensor's data: exactly `elements` strings in the layout the protocol owns.
    private static void ValidateStrings(TensorMetadata meta, ReadOnlySpan<long> shape, long elements, ReadOnlySpan<byte> data)
    {
        if (ModelOperator.Runtime.Protocol.TensorElements.CheckBytesLayout(data, elements) is { } problem)
        {
            throw new ArgumentException($"Input '{meta.Name}' with shape {ShapeFormat.Format(shape)} of string: {problem}.", "inputs");
        }
    }

    /// <summary>
    /// Checks requested output indices: each in range and at most once. <paramref name="seen"/> is
    /// scratch space of length outputs.Count.
    /// </summary>
    public static void ValidateOutputs(IReadOnlyList<TensorMetadata> outputs, ReadOnlySpan<int> outputIndices, Span<bool> seen)
    {
        seen.Clear();
        foreach (var index in outputIndices)
        {
            if ((uint)index >= (uint)outputs.Count)
            {
                throw new ArgumentException(
                    $"Output index {index} is out of range: the model has {outputs.Count} output(s) (indices 0 to {outputs.Count - 1}: {Names(outputs)}).",
                    nameof(outputIndices));
            }

            if (seen[index])
            {
                throw new ArgumentException($"Output '{outputs[index].Name}' (index {index}) was requested more than once.", nameof(outputIndices));
            }

            seen[index] = true;
        }
    }

    private static string TypeName(TensorElementType t) =>
        Enum.IsDefined(t) ? TensorElementTypes.Name(t) : $"{TensorElementTypes.OnnxTypeName((int)t)} (not a supported element type; supported: {TensorElementTypes.SupportedList})";

    private static string Names(IReadOnlyList<TensorMetadata> tensors) =>
        string.Join(", ", tensors.Select((t, i) => $"{i} '{t.Name}'"));
}
