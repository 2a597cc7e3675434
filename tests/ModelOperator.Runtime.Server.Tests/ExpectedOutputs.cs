using System.Globalization;
using System.Text.Json;

namespace ModelOperator.Runtime.Server.Tests;

/// <summary>A case from an example model's expected.json: the inputs and the outputs numpy computed.</summary>
internal sealed record ExpectedCase(string Name, string Input, long[] InputShape, double[] InputData, string Output, long[] OutputShape, double[] OutputData)
{
    public static IReadOnlyList<ExpectedCase> Load(string model, int version)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "models", model, version.ToString(CultureInfo.InvariantCulture), "expected.json");
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = doc.RootElement;
        var input = root.GetProperty("input").GetString()!;
        var output = root.GetProperty("output").GetString()!;
        return root.GetProperty("cases").EnumerateArray().Select(c =>
        {
            var i = c.GetProperty("inputs").GetProperty(input);
            var o = c.GetProperty("outputs").GetProperty(output);
            return new ExpectedCase(
                c.GetProperty("name").GetString()!,
                input,
                i.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray(),
                i.GetProperty("data").EnumerateArray().Select(e => e.GetDouble()).ToArray(),
                output,
                o.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray(),
                o.GetProperty("data").EnumerateArray().Select(e => e.GetDouble()).ToArray());
        }).ToArray();
    }

    public string RequestJson(string? id = null) =>
        "{" + (id is null ? string.Empty : $"\"id\":\"{id}\",") +
        $"\"inputs\":[{{\"name\":\"{Input}\",\"shape\":[{string.Join(',', InputShape)}],\"datatype\":\"FP32\",\"data\":[" +
        string.Join(',', InputData.Select(d => ((float)d).ToString("R", CultureInfo.InvariantCulture))) + "]}]}";

    public static void AssertClose(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double relative = 1e-5)
    {
        // Relative to the tensor's largest magnitude: float32 sums over 1024 terms differ in
        // their last bits between numpy and ONNX Runtime, which matters only near zero.
        Assert.Equal(expected.Count, actual.Count);
        var scale = Math.Max(1e-3, expected.Max(Math.Abs));
        for (var k = 0; k < expected.Count; k++)
        {
            var tolerance = scale * relative;
            Assert.True(Math.Abs(expected[k] - actual[k]) <= tolerance, $"element {k}: expected {expected[k]}, got {actual[k]}");
        }
    }
}
