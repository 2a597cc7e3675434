using System.Globalization;
using System.Text;
using System.Text.Json;
using ModelOperator.Runtime.Protocol;

namespace ModelOperator.Runtime.Server.Tests;

/// <summary>
/// The case of a type example's expected.json (examples/models/{integers,floats,strings}): tensors
/// with their datatype, shape and JSON data; outputs are exact. Converts data to the little-endian
/// bytes the binary extension carries through the protocol's own conversions.
/// </summary>
internal sealed record TypedCase(string Model, IReadOnlyList<TypedTensor> Inputs, IReadOnlyList<TypedTensor> Outputs)
{
    public static readonly string[] Models = ["integers", "floats", "strings"];

    public static TypedCase Load(string model)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "models", model, "1", "expected.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var @case = doc.RootElement.GetProperty("cases")[0];
        return new TypedCase(model, Read(@case.GetProperty("inputs")), Read(@case.GetProperty("outputs")));
    }

    /// <summary>An OIP JSON request of every input, or with <paramref name="binary"/> every input and output in binary.</summary>
    public (byte[] Body, int HeaderLength) Request(bool binary)
    {
        var inputs = Inputs.Select(t => binary
            ? $"{{\"name\":\"{t.Name}\",\"datatype\":\"{t.Datatype}\",\"shape\":{t.ShapeJson},\"parameters\":{{\"binary_data_size\":{t.Bytes().Length}}}}}"
            : $"{{\"name\":\"{t.Name}\",\"datatype\":\"{t.Datatype}\",\"shape\":{t.ShapeJson},\"data\":{t.Data}}}");
        var json = Encoding.UTF8.GetBytes(
            "{" + (binary ? "\"parameters\":{\"binary_data_output\":true}," : string.Empty) + "\"inputs\":[" + string.Join(",", inputs) + "]}");
        return binary ? ([.. json, .. Inputs.SelectMany(t => t.Bytes())], json.Length) : (json, json.Length);
    }

    /// <summary>
    /// The strings model's request that mixes both forms: "count" as JSON data and "colour" (BYTES) as binary data after
    /// the JSON; "colour_id" asked for in JSON and "colour_out" in binary. The JSON and the binary data after it.
    /// </summary>
    public static (byte[] Json, byte[] Tail) MixedStringsRequest()
    {
        var @case = Load("strings");
        var colour = @case.Inputs.Single(i => i.Name == "colour");
        var count = @case.Inputs.Single(i => i.Name == "count");
        var json = Encoding.UTF8.GetBytes(
            $"{{\"inputs\":[{{\"name\":\"count\",\"datatype\":\"INT64\",\"shape\":[2],\"data\":{count.Data}}}," +
            $"{{\"name\":\"colour\",\"datatype\":\"BYTES\",\"shape\":[2,2],\"parameters\":{{\"binary_data_size\":{colour.Bytes().Length}}}}}]," +
            "\"outputs\":[{\"name\":\"colour_id\"},{\"name\":\"colour_out\",\"parameters\":{\"binary_data\":true}}]}");
        return (json, colour.Bytes());
    }

    private static List<TypedTensor> Read(JsonElement tensors) =>
        tensors.EnumerateObject().Select(p => new TypedTensor(
            p.Name,
            p.Value.GetProperty("datatype").GetString()!,
            p.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray(),
            p.Value.GetProperty("data").GetRawText())).ToList();
}

/// <summary>One tensor of a <see cref="TypedCase"/>: its data as JSON text.</summary>
internal sealed record TypedTensor(string Name, string Datatype, long[] Shape, string Data)
{
    public string ShapeJson => "[" + string.Join(",", Shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";

    public byte[] Bytes() => ToBytes(Datatype, Data);

    /// <summary>JSON data of a datatype as the little-endian (BYTES: length-prefixed) bytes of its elements.</summary>
    public static byte[] ToBytes(string datatype, string jsonData)
    {
        var type = DataTypes.Parse(Encoding.UTF8.GetBytes(datatype));
        var result = new List<byte>();
        foreach (var element in JsonDocument.Parse(jsonData).RootElement.EnumerateArray())
        {
            if (type == DataType.Bytes)
            {
                var utf8 = Encoding.UTF8.GetBytes(element.GetString()!);
                result.AddRange(BitConverter.GetBytes(utf8.Length));
                result.AddRange(utf8);
                continue;
            }

            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(element.GetRawText()));
            reader.Read();
            var bytes = new byte[DataTypes.SizeOf(type)];
            Assert.True(TensorElements.TryReadJson(ref reader, type, bytes), $"{element} is not a {datatype}");
            result.AddRange(bytes);
        }

        return [.. result];
    }
}
