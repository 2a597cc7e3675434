using System.Text.Json;

namespace ModelOperator.Runtime.Server.Shadow;

/// <summary>One output of an inference answer as the comparison needs it: datatype, shape and values as doubles.</summary>
internal sealed record AnswerTensor(string DataType, long[] Shape, double[] Values);

/// <summary>
/// Reads the outputs of an Open Inference Protocol JSON answer (<c>{"outputs":[{"name","datatype","shape","data"}]}</c>,
/// data flat, as this server writes it). Anything else is a <see cref="JsonException"/> naming what was wrong.
/// </summary>
internal static class AnswerTensors
{
    /// <summary>More outputs than any model here has; an answer with more is not one to compare.</summary>
    private const int MaxOutputs = 256;

    public static Dictionary<string, AnswerTensor> Read(ReadOnlySpan<byte> answer)
    {
        using var document = JsonDocument.Parse(answer.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
        if (document.RootElement.ValueKind != JsonValueKind.Object
            || !document.RootElement.TryGetProperty("outputs", out var outputs)
            || outputs.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException("the answer has no \"outputs\" array");
        }

        if (outputs.GetArrayLength() > MaxOutputs)
        {
            throw new JsonException($"the answer has more than {MaxOutputs} outputs");
        }

        var tensors = new Dictionary<string, AnswerTensor>(StringComparer.Ordinal);
        foreach (var output in outputs.EnumerateArray())
        {
            if (output.ValueKind != JsonValueKind.Object
                || !output.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String
                || !output.TryGetProperty("datatype", out var datatype) || datatype.ValueKind != JsonValueKind.String
                || !output.TryGetProperty("shape", out var shape) || shape.ValueKind != JsonValueKind.Array
                || !output.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
            {
                throw new JsonException("an output lacks a string name and datatype, or a shape and data array");
            }

            tensors[name.GetString()!] = new AnswerTensor(
                datatype.GetString()!,
                [.. shape.EnumerateArray().Select(d => d.ValueKind == JsonValueKind.Number && d.TryGetInt64(out var n) && n >= 0 ? n : throw new JsonException("a shape holds something other than a dimension"))],
                [.. data.EnumerateArray().Select(Value)]);
        }

        return tensors;
    }

    private static double Value(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Number => element.GetDouble(),
        JsonValueKind.True => 1,
        JsonValueKind.False => 0,
        // The protocol's JSON has no NaN or infinity; this server writes them as strings, as Triton does.
        JsonValueKind.String when element.GetString() is "NaN" => double.NaN,
        JsonValueKind.String when element.GetString() is "Infinity" => double.PositiveInfinity,
        JsonValueKind.String when element.GetString() is "-Infinity" => double.NegativeInfinity,
        _ => throw new JsonException("an output's data holds something other than numbers"),
    };
}
