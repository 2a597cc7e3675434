using ModelOperator.Runtime.Drift;
using ModelOperator.Runtime.Onnx;
using ModelOperator.Runtime.Protocol;
using ModelOperator.Runtime.Server.Models;

namespace ModelOperator.Runtime.Server.Drift;

/// <summary>
/// <c>modelserver profile --model m.onnx --data reference.csv --out m.profile.json</c>: runs the
/// model over a reference dataset and writes the reference profile that drift is measured
/// against. The CSV's header names the feature columns; it must fit the model's inputs.
/// </summary>
internal static class ProfileCommand
{
    private const int BatchRows = 1024;

    public const string Usage =
        "usage: modelserver profile --model MODEL.onnx --data REFERENCE.csv --out PROFILE.json [--bins N] [--max-categories N]";

    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
            {
                error.WriteLine($"modelserver profile: unexpected argument \"{args[i]}\"\n{Usage}");
                return 2;
            }

            settings[args[i][2..]] = args[++i];
        }

        var unknown = settings.Keys.Except(["model", "data", "out", "bins", "max-categories"]).ToList();
        var missing = new[] { "model", "data", "out" }.Where(k => !settings.ContainsKey(k)).ToList();
        if (unknown.Count > 0 || missing.Count > 0)
        {
            foreach (var u in unknown)
            {
                error.WriteLine($"modelserver profile: unknown option --{u}");
            }

            foreach (var m in missing)
            {
                error.WriteLine($"modelserver profile: --{m} is required");
            }

            error.WriteLine(Usage);
            return 2;
        }

        try
        {
            var builderOptions = new ReferenceProfileBuilderOptions
            {
                BinCount = settings.TryGetValue("bins", out var bins) ? int.Parse(bins, System.Globalization.CultureInfo.InvariantCulture) : 10,
                MaxCategories = settings.TryGetValue("max-categories", out var cats) ? int.Parse(cats, System.Globalization.CultureInfo.InvariantCulture) : 10,
            };
            using var runtime = OnnxRuntimeEnvironment.Create();
            using var session = InferenceSession.Load(runtime, settings["model"]);
            var profile = Build(session, settings["data"], builderOptions);
            using (var file = File.Create(settings["out"]))
            {
                ReferenceProfileJson.Write(profile, file);
            }

            output.WriteLine(
                $"wrote {settings["out"]}: {profile.Features.Count} features ({string.Join(", ", profile.Features.Select(f => f.Name))}), " +
                $"{profile.Outputs.Count} output(s) ({string.Join(", ", profile.Outputs.Select(o => o.Name))}), {profile.RowCount} reference rows");
            return 0;
        }
        catch (Exception ex) when (ex is InvalidDataException or InvalidOperationException or ArgumentException or FormatException
                                       or IOException or OnnxRuntimeException or OnnxRuntimeNotFoundException or UnsupportedModelException)
        {
            error.WriteLine("modelserver profile: " + ex.Message);
            return 1;
        }
    }

    /// <summary>Reads the reference CSV, runs the model over it and builds the profile.</summary>
    public static ReferenceProfile Build(InferenceSession session, string csvPath, ReferenceProfileBuilderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        var signature = LoadedModel.SignatureOf(session);
        var layout = FeatureLayout.Create(signature);
        var columns = ExpectedColumns(layout, signature, csvPath);
        var textColumns = Enumerable.Range(0, layout.FeatureCount).Where(layout.IsTextFeature).ToHashSet();
        ReferenceData data;
        using (var reader = File.OpenText(csvPath))
        {
            data = ReferenceCsvReader.Read(reader, columns, textColumns);
        }

        var outputs = new float[data.Rows * layout.OutputCount];
        for (var start = 0; start < data.Rows; start += BatchRows)
        {
            var rows = Math.Min(BatchRows, data.Rows - start);
            RunBatch(session, signature, layout, data, start, rows, outputs.AsSpan(start * layout.OutputCount));
        }

        return new ReferenceProfileBuilder(options).Build(data, layout.OutputNames, outputs);
    }

    // One 2-D input: the CSV names its k columns freely (only the count must fit).
    // Several inputs: the CSV's header must name their columns (input, or input[j] for a wider one), in model order.
    private static IReadOnlyList<string> ExpectedColumns(FeatureLayout layout, ModelSignature signature, string csvPath)
    {
        if (!layout.SingleMatrix)
        {
            return layout.DefaultFeatureNames;
        }

        var header = File.ReadLines(csvPath).FirstOrDefault(l => l.Trim().Length > 0)
            ?? throw new InvalidDataException($"the reference CSV {csvPath} is empty; expected a header row naming the {layout.FeatureCount} feature columns");
        var names = header.Split(',').Select(n => n.Trim().Trim('"')).ToArray();
        if (names.Length != layout.FeatureCount)
        {
            var input = signature.Inputs[0];
            throw new InvalidDataException(
                $"the reference CSV has {names.Length} columns but the model's input \"{input.Name}\" has {layout.FeatureCount} (shape [{string.Join(", ", input.Shape)}]); give one column per feature");
        }

        return names;
    }

    // Rows [first, first + rows) of the reference data as the model's input tensors: numbers converted to each input's
    // type, strings as BYTES (each a 4-byte little-endian length and its UTF-8 bytes).
    private static void RunBatch(InferenceSession session, ModelSignature signature, FeatureLayout layout, ReferenceData data, int first, int rows, Span<float> outputs)
    {
        var inputs = new InputTensor[signature.Inputs.Count];
        for (var i = 0; i < inputs.Length; i++)
        {
            var input = signature.Inputs[i];
            var columns = layout.InputColumns(i);
            var shape = input.Rank == 1 ? new long[] { rows } : [rows, columns];
            byte[] bytes;
            if (layout.IsTextInput(i))
            {
                var text = new List<byte>();
                var length = new byte[TensorElements.BytesLengthPrefix];
                for (var r = 0; r < rows; r++)
                {
                    for (var c = 0; c < columns; c++)
                    {
                        var utf8 = System.Text.Encoding.UTF8.GetBytes(data.Text[layout.FirstColumn(i) + c]![first + r]);
                        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)utf8.Length);
                        text.AddRange(length);
                        text.AddRange(utf8);
                    }
                }

                bytes = [.. text];
            }
            else
            {
                var size = DataTypes.SizeOf(input.DataType);
                bytes = new byte[rows * columns * size];
                for (var r = 0; r < rows; r++)
                {
                    for (var c = 0; c < columns; c++)
                    {
                        var value = data.RowMajorValues[((first + r) * layout.FeatureCount) + layout.FirstColumn(i) + c];
                        TensorElements.FromDouble(input.DataType, value, bytes.AsSpan(((r * columns) + c) * size, size));
                    }
                }
            }

            inputs[i] = new InputTensor(i, LoadedModel.ToElementType(input.DataType), shape, bytes);
        }

        using var result = session.Run(inputs);
        for (var i = 0; i < result.Count; i++)
        {
            var column = 0;
            for (var o = 0; o < result.OutputIndex(i); o++)
            {
                column += layout.OutputColumns(o);
            }

            layout.ExtractOutput(result.OutputIndex(i), LoadedModel.ToDataType(result.ElementType(i)), result.Bytes(i), rows, outputs, column);
        }
    }
}
