using ModelOperator.Runtime.Drift;
using ModelOperator.Runtime.Protocol;

namespace ModelOperator.Runtime.Server.Drift;

/// <summary>
/// How a model's tensors map to the feature and output columns that drift is measured on.
/// Features are the columns of every input, in model order: an input of shape [batch] gives one
/// column, [batch, k] gives k (so one 2-D input gives its k columns). A BYTES input's columns are
/// text columns. Outputs are the columns of every fixed-size [batch] or [batch, m] output, at most
/// <see cref="MaxOutputColumns"/> in all.
/// </summary>
internal sealed class FeatureLayout
{
    /// <summary>Most output columns tracked (e.g. the first 16 logits of a classifier).</summary>
    public const int MaxOutputColumns = 16;

    private readonly int[] _outputColumns; // columns taken from each output, in model order
    private readonly int[] _inputColumns;  // columns of each input, in model order
    private readonly int[] _firstColumns;  // the feature index of each input's first column
    private readonly bool[] _textInputs;   // BYTES inputs

    private FeatureLayout(bool singleMatrix, int[] inputColumns, bool[] textInputs, int[] outputColumns, IReadOnlyList<string> defaultFeatureNames, IReadOnlyList<string> outputNames)
    {
        SingleMatrix = singleMatrix;
        _inputColumns = inputColumns;
        _textInputs = textInputs;
        _firstColumns = new int[inputColumns.Length];
        for (var i = 1; i < inputColumns.Length; i++)
        {
            _firstColumns[i] = _firstColumns[i - 1] + inputColumns[i - 1];
        }

        FeatureCount = inputColumns.Sum();
        HasText = textInputs.Contains(true);
        _outputColumns = outputColumns;
        DefaultFeatureNames = defaultFeatureNames;
        OutputNames = outputNames;
        OutputCount = outputColumns.Sum();
    }

    /// <summary>True when the features are the columns of the one 2-D input (whose columns the reference CSV names freely).</summary>
    public bool SingleMatrix { get; }

    public int FeatureCount { get; }

    /// <summary>True when some input is BYTES: its columns are text series, recorded value by value.</summary>
    public bool HasText { get; }

    /// <summary>Number of input tensors of the model.</summary>
    public int InputTensorCount => _inputColumns.Length;

    /// <summary>Columns of input <paramref name="index"/>.</summary>
    public int InputColumns(int index) => _inputColumns[index];

    /// <summary>The feature index of input <paramref name="index"/>'s first column.</summary>
    public int FirstColumn(int index) => _firstColumns[index];

    /// <summary>True when input <paramref name="index"/> is BYTES (its columns hold text).</summary>
    public bool IsTextInput(int index) => _textInputs[index];

    /// <summary>True when feature column <paramref name="feature"/> holds text.</summary>
    public bool IsTextFeature(int feature)
    {
        for (var i = 0; i < _inputColumns.Length; i++)
        {
            if (feature < _firstColumns[i] + _inputColumns[i])
            {
                return _textInputs[i];
            }
        }

        return false;
    }

    /// <summary>
    /// Why <paramref name="profile"/> cannot measure this model, or null when it fits: as many features and outputs as
    /// the layout has columns, and a text series exactly where a BYTES input's columns are.
    /// </summary>
    public string? Mismatch(ReferenceProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (profile.Features.Count != FeatureCount || profile.Outputs.Count != OutputCount)
        {
            return $"has {profile.Features.Count} features and {profile.Outputs.Count} outputs, but the model has {FeatureCount} feature columns and {OutputCount} output columns";
        }

        for (var f = 0; f < FeatureCount; f++)
        {
            if (profile.Features[f].IsText != IsTextFeature(f))
            {
                return IsTextFeature(f)
                    ? $"profiles feature {f + 1} (\"{profile.Features[f].Name}\") as numbers, but that column of the model is BYTES (text); profile it from the strings (modelserver profile does)"
                    : $"profiles feature {f + 1} (\"{profile.Features[f].Name}\") as text values, but that column of the model is numeric";
            }
        }

        return profile.Outputs.FirstOrDefault(o => o.IsText) is { } text
            ? $"profiles output \"{text.Name}\" as text values, but drift tracks numeric outputs only"
            : null;
    }

    public int OutputCount { get; }

    /// <summary>Feature names when the reference data does not name them: input names, or input[j].</summary>
    public IReadOnlyList<string> DefaultFeatureNames { get; }

    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>Works out the layout, or says why this model's tensors cannot be profiled.</summary>
    public static FeatureLayout Create(ModelSignature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        var inputs = signature.Inputs;
        if (!inputs.All(i => i.Rank == 1 || (i.Rank == 2 && i.Shape[1] > 0)))
        {
            throw new InvalidOperationException(
                "drift needs tabular inputs: inputs of shape [batch] or [batch, k] with k fixed; this model has " +
                string.Join(", ", inputs.Select(i => $"{i.Name} {InferenceRequestParserFormat(i.Shape)}")));
        }

        var singleMatrix = inputs.Count == 1 && inputs[0].Rank == 2;
        var inputColumns = inputs.Select(i => i.Rank == 1 ? 1 : (int)i.Shape[1]).ToArray();
        var names = new List<string>();
        for (var i = 0; i < inputs.Count; i++)
        {
            for (var j = 0; j < inputColumns[i]; j++)
            {
                names.Add(singleMatrix || inputColumns[i] > 1 ? $"{inputs[i].Name}[{j}]" : inputs[i].Name);
            }
        }

        var columns = new int[signature.Outputs.Count];
        var outputNames = new List<string>();
        for (var o = 0; o < signature.Outputs.Count && outputNames.Count < MaxOutputColumns; o++)
        {
            var output = signature.Outputs[o];
            var width = !DataTypes.IsFixedSize(output.DataType) ? 0 : output.Rank == 1 ? 1 : output.Rank == 2 && output.Shape[1] > 0 ? (int)output.Shape[1] : 0;
            width = Math.Min(width, MaxOutputColumns - outputNames.Count);
            columns[o] = width;
            for (var j = 0; j < width; j++)
            {
                outputNames.Add(output.Rank == 1 || output.Shape[1] == 1 ? output.Name : $"{output.Name}[{j}]");
            }
        }

        return new FeatureLayout(singleMatrix, inputColumns, [.. inputs.Select(i => i.DataType == DataType.Bytes)], columns, names.ToArray(), outputNames);
    }

    /// <summary>Number of output tensors of the model.</summary>
    public int OutputTensorCount => _outputColumns.Length;

    /// <summary>Columns taken from output <paramref name="index"/> (0 when it is not tracked).</summary>
    public int OutputColumns(int index) => index < _outputColumns.Length ? _outputColumns[index] : 0;

    /// <summary>
    /// Copies the request's numeric features as floats, row-major, into <paramref name="destination"/> (rows × FeatureCount);
    /// text columns are left as they are (their values go to the monitor as UTF-8, see <see cref="PredictionRecorder"/>).
    /// </summary>
    public void ExtractFeatures(InferenceRequest request, Span<float> destination, int rows)
    {
        ArgumentNullException.ThrowIfNull(request);
        var slots = request.Inputs;
        if (SingleMatrix && !HasText)
        {
            ToFloats(slots[0].DataType, slots[0].Data.Span, destination[..(rows * FeatureCount)]);
            return;
        }

        for (var i = 0; i < slots.Length; i++)
        {
            if (_textInputs[i])
            {
                continue;
            }

            var data = slots[i].Data.Span;
            var size = DataTypes.SizeOf(slots[i].DataType);
            var width = _inputColumns[i];
            var first = _firstColumns[i];
            for (var r = 0; r < rows; r++)
            {
                for (var j = 0; j < width; j++)
                {
                    destination[(r * FeatureCount) + first + j] = ToFloat(slots[i].DataType, data.Slice(((r * width) + j) * size, size));
                }
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
