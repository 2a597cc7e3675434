using System.Text.Json;

namespace ModelOperator.Runtime.Onnx.Tests;

/// <summary>An example model's expected.json, written by scripts/gen_models.py.</summary>
internal sealed record ExpectedOutputs(string Sha256, string Input, string Output, IReadOnlyList<ExpectedCase> Cases)
{
    public static ExpectedOutputs Load(string modelPath)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Path.GetDirectoryName(modelPath)!, "expected.json")));
        var root = doc.RootElement;
        var input = root.GetProperty("input").GetString()!;
        var output = root.GetProperty("output").GetString()!;
        var cases = root.GetProperty("cases").EnumerateArray().Select(c => new ExpectedCase(
            c.GetProperty("name").GetString()!,
            Shape(c.GetProperty("inputs").GetProperty(input)),
            Data(c.GetProperty("inputs").GetProperty(input)),
            Shape(c.GetProperty("outputs").GetProperty(output)),
            Data(c.GetProperty("outputs").GetProperty(output)))).ToList();
        return new ExpectedOutputs(root.GetProperty("sha256").GetString()!, input, output, cases);
    }

    private static long[] Shape(JsonElement t) => t.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();

    // The JSON holds the exact double value of each float32, so narrowing restores the same bits.
    private static float[] Data(JsonElement t) => t.GetProperty("data").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
}

internal sealed record ExpectedCase(string Name, long[] InputShape, float[] InputData, long[] OutputShape, float[] OutputData);
