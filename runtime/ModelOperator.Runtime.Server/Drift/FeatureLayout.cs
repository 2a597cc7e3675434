using ModelOperator.Runtime.Protocol;

namespace ModelOperator.Runtime.Server.Drift;

/// <summary>
/// How a model's tensors map to the feature and output columns that drift is measured on.
/// Features are either the columns of the one 2-D input ([batch, k]), or one column per input
/// when every input is [batch] or [batch, 1]. Outputs are the columns of every [batch] or
/// [batch, m] output, at most <see cref="MaxOutputColumns"/> in all.
/// </summary>
internal sealed class FeatureLayout
{
    /// <summary>Most output columns tracked (e.g. the first 16 logits of a classifier).</summary>
    public const int MaxOutputColumns = 16;

    private readonly int[] _outputColumns; // columns taken from each output, in model order

    private FeatureLayout(bool singleMatrix, int featureCount, int[] outputColumns, IReadOnlyList<string> defaultFeatureNames, IReadOnlyList<string> outputNames)
    {
        SingleMatrix = singleMatrix;
        FeatureCount = featureCount;
        _outputColumns = outputColumns;
        DefaultFeatureNames = defaultFeatureNames;
        OutputNames = outputNames;
        OutputCount = outputColumns.Sum();
    }

    /// <summary>True when the features are the columns of the one 2-D input.</summary>
    public bool SingleMatrix { get; }

    public int FeatureCount { get; }

    public int OutputCount { get; }

    /// <summary>Feature names when the reference data does not name them: input names, or input[j].</summary>
    public IReadOnlyList<string> DefaultFeatureNames { get; }

    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>Works out the layout, or says why this model's tensors cannot be profiled.</summary>
    public static FeatureLayout Create(ModelSignature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        var inputs = signature.Inputs;
        FeatureLayout? layout = null;
        if (inputs.FirstOrDefault(i => !DataTypes.IsFixedSize(i.DataType)) is { } text)
        {
            throw new InvalidOperationException($"drift profiles numeric inputs; input {text.Name} is {DataTypes.Name(text.DataType)}");
        }

        if (inputs.Count == 1 && inputs[0].Rank == 2 && inputs[0].Shape[1] > 0)
        {
            var k = (int)inputs[0].Shape[1];
            layout = new FeatureLayout(true, k, [], Enumerable.Range(0, k).Select(j => $"{inputs[0].Name}[{j}]").ToArray(), []);
        }
        else if (inputs.All(i => i.Rank == 1 || (i.Rank == 2 && i.Shape[1] == 1)))
        {
            layout = new FeatureLayout(false, inputs.Count, [], inputs.Select(i => i.Name).ToArray(), []);
        }

        if (layout is null)
        {
            throw new InvalidOperationException(
                "drift needs tabular inputs: one input of shape [batch, k], or inputs of shape [batch] or [batch, 1]; this model has " +
                string.Join(", ", inputs.Select(i => $"{i.Name} {InferenceRequestParserFormat(i.Shape)}")));
        }

        var columns = new int[signature.Outputs.Count];
        var names = new List<string>();
        for (var o = 0; o < signature.Outputs.Count && names.Count < MaxOutputColumns; o++)
        {
            var output = signature.Outputs[o];
            var width = !DataTypes.IsFixedSize(output.DataType) ? 0 : output.Rank == 1 ? 1 : output.Rank == 2 && output.Shape[1] > 0 ? (int)output.Shape[1] : 0;
            width = Math.Min(width, MaxOutputColumns - names.Count);
            columns[o] = width;
            for (var j = 0; j < width; j++)
            {
                names.Add(output.Rank == 1 || output.Shape[1] == 1 ? output.Name : $"{output.Name}[{j}]");
            }
        }

        return new FeatureLayout(layout.SingleMatrix, layout.FeatureCount, columns, layout.DefaultFeatureNames, names);
    }

    /// <summary>Number of output tensors of the model.</summary>
    public int OutputTensorCount => _outputColumns.Length;

    /// <summary>Columns taken from output <paramref name="index"/> (0 when it is not tracked).</summary>
    public int OutputColumns(int index) => index < _outputColumns.Length ? _outputColumns[index] : 0;

    /// <summary>Copies the request's features as floats, row-major, into <paramref name="destination"/> (rows × FeatureCount).</summary>
    public void ExtractFeatures(InferenceRequest request, Span<float> destination, int rows)
    {
        ArgumentNullException.ThrowIfNull(request);
        var slots = request.Inputs;
        if (SingleMatrix)
        {
            ToFloats(slots[0].DataType, slots[0].Data.Span, destination[..(rows * FeatureCount)]);
            return;
        }

        for (var f = 0; f < slots.Length; f++)
        {
            var data = slots[f].Data.Span;
            var size = DataTypes.SizeOf(slots[f].DataType);
            for (var r = 0; r < rows; r++)
            {
                destination[(r * FeatureCount) + f] = ToFloat(slots[f].DataType, data.Slice(r * size, size));
            }
        }
    }

    /// <summary>Writes one output's tracked columns into the row-major output matrix at <paramref name="firstColumn"/>.</summary>
    public void ExtractOutput(int index, DataType type, ReadOnlySpan<byte> data, int rows, Span<float> destination, int firstColumn)
    {
        var width = OutputColumns(index);
        if (width == 0 || rows == 0)
        {
            return;
        }

        var size = DataTypes.SizeOf(type);
        var stride = data.Length / size / rows; // elements per row in the output tensor
        for (var r = 0; r < rows; r++)
        {
            for (var j = 0; j < width; j++)
            {
                destination[(r * OutputCount) + firstColumn + j] = ToFloat(type, data.Slice(((r * stride) + j) * size, size));
            }
        }
    }

    private static void ToFloats(DataType type, ReadOnlySpan<byte> data, Span<float> destination)
    {
        if (type == DataType.FP32)
        {
            System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(data)[..destination.Length].CopyTo(destination);
            return;
        }

        var size = DataTypes.SizeOf(type);
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = ToFloat(type, data.Slice(i * size, size));
        }
    }

    private static float ToFloat(DataType type, ReadOnlySpan<byte> value) => (float)TensorElements.ToDouble(type, value, 0);

    private static string InferenceRequestParserFormat(IReadOnlyList<long> shape) => "[" + string.Join(", ", shape) + "]";
}
