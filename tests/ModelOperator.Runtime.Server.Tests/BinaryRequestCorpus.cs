using System.Globalization;
using System.Text;

namespace ModelOperator.Runtime.Server.Tests;

/// <summary>
/// One malformed request of the binary data extension: its body, the Inference-Header-Content-Length
/// value to send (null: no header), its content type, the status it must get and a fragment of the error.
/// </summary>
public sealed record BinaryCase(string Name, byte[] Body, string? HeaderLength, string ContentType, int Status, string Fragment)
{
    public override string ToString() => Name;
}

/// <summary>
/// Malformed binary-extension requests for the churn model (input "features", FP32 [-1, 8], so 32
/// bytes a row): every wrong binary_data_size, every wrong amount of binary data, every header length
/// that cuts the JSON short, bad header values and parameters of the wrong kind.
/// </summary>
public static class BinaryRequestCorpus
{
    public const string OctetStream = "application/octet-stream";

    public static readonly byte[] Row = [.. new float[] { 35, 28.72f, 5, 1, 5, 14, 0, 4 }.SelectMany(BitConverter.GetBytes)];

    public static string Header(long size = 32, string extra = "", string parameters = "") =>
        $$"""{"inputs":[{"name":"features","shape":[1,8],"datatype":"FP32","parameters":{"binary_data_size":{{size}}{{parameters}}}{{extra}}}]}""";

    public static BinaryCase Good => Case("good", Header(), Row, 200, string.Empty);

    private static BinaryCase Case(string name, string json, byte[] tail, int status, string fragment, string? headerLength = null, string contentType = OctetStream)
    {
        var header = Encoding.UTF8.GetBytes(json);
        return new(name, [.. header, .. tail], headerLength ?? header.Length.ToString(CultureInfo.InvariantCulture), contentType, status, fragment);
    }

    public static IEnumerable<BinaryCase> All()
    {
        // Every binary_data_size but the right one, with the right 32 bytes of data after the JSON.
        for (var size = 0; size <= 40; size++)
        {
            if (size != 32)
            {
                yield return Case($"binary_data_size {size}", Header(size), Row, 400,
                    size > 32 ? $"input \"features\" has binary_data_size {size} but only 32 bytes of binary data are left" : $"input \"features\" has binary_data_size {size} but shape [1, 8] of FP32 needs 8 x 4 = 32 bytes");
            }
        }

        // The right binary_data_size with too little or too much data after the JSON.
        for (var length = 0; length <= 40; length++)
        {
            if (length != 32)
            {
                var tail = new byte[length];
                Row.AsSpan(0, Math.Min(length, 32)).CopyTo(tail);
                yield return Case($"{length} bytes of binary data", Header(), tail, 400,
                    length < 32 ? $"input \"features\" has binary_data_size 32 but only {length} bytes of binary data are left" : $"the binary data after the JSON is {length} bytes but the inputs' binary_data_size parameters add up to 32");
            }
        }

        // A header length that cuts the JSON short at every point: the JSON is then malformed.
        var json = Header();
        for (var cut = 1; cut < json.Length; cut++)
        {
            yield return Case($"header length {cut} of {json.Length}", json, Row, 400, "malformed JSON", cut.ToString(CultureInfo.InvariantCulture));
        }

        // Header values.
        var full = Encoding.UTF8.GetByteCount(json) + 32;
        yield return Case("header length beyond the body", json, Row, 400, $"Inference-Header-Content-Length is {full + 1} but the body has only {full} bytes", (full + 1).ToString(CultureInfo.InvariantCulture));
        yield return Case("header length far beyond the body", json, Row, 400, "but the body has only", "9223372036854775807");
        yield return Case("header length 0", json, Row, 400, "Inference-Header-Content-Length is 0", "0");
        foreach (var bad in new[] { "-1", "abc", "1.5", "", " ", "0x10", "+10", "1e3", "99999999999999999999", "10, 20" })
        {
            yield return Case($"header length \"{bad}\"", json, Row, 400, "Inference-Header-Content-Length must be one integer >= 0", bad);
        }

        // Parameters of the wrong kind.
        foreach (var (name, value) in new[] { ("string", "\"32\""), ("negative", "-32"), ("fraction", "32.5"), ("true", "true"), ("null", "null"), ("array", "[32]"), ("object", "{}"), ("huge", "1e30") })
        {
            var bad = $$$"""{"inputs":[{"name":"features","shape":[1,8],"datatype":"FP32","parameters":{"binary_data_size":{{{value}}}}}]}""";
            yield return Case($"binary_data_size {name}", bad, Row, 400, "binary_data_size must be an integer >= 0");
        }

        foreach (var value in new[] { "1", "\"true\"", "null", "[]" })
        {
            var bad = $$$"""{"parameters":{"binary_data_output":{{{value}}}},"inputs":[{"name":"features","shape":[1,8],"datatype":"FP32","parameters":{"binary_data_size":32}}]}""";
            yield return Case($"binary_data_output {value}", bad, Row, 400, "parameters.binary_data_output must be true or false");
            var output = $$$"""{"inputs":[{"name":"features","shape":[1,8],"datatype":"FP32","parameters":{"binary_data_size":32}}],"outputs":[{"name":"churn_probability","parameters":{"binary_data":{{{value}}}}}]}""";
            yield return Case($"binary_data {value}", output, Row, 400, "parameters.binary_data must be true or false");
        }

        // Both ways at once, or binary without its header.
        yield return Case("data and binary_data_size", Header(extra: ",\"data\":[1,2,3,4,5,6,7,8]"), Row, 400, "has both \"data\" and parameters.binary_data_size");
        var plain = Encoding.UTF8.GetBytes(Header());
        yield return new("binary_data_size without the header", plain, null, "application/json", 400, "has no Inference-Header-Content-Length header");
        yield return new("octet-stream without the header", [.. plain, .. Row], null, OctetStream, 415, "application/octet-stream with the Inference-Header-Content-Length header");
        yield return Case("wrong shape in binary", Header().Replace("[1,8]", "[2,8]", StringComparison.Ordinal), Row, 400, "binary_data_size 32 but shape [2, 8] of FP32 needs 16 x 4 = 64 bytes");
        yield return Case("wrong datatype in binary", Header().Replace("FP32", "FP64", StringComparison.Ordinal), Row, 400, "has datatype FP64 but the model expects FP32");
        yield return Case("unknown output in binary", Header().Replace("}]}", "}],\"outputs\":[{\"name\":\"nope\",\"parameters\":{\"binary_data\":true}}]}", StringComparison.Ordinal), Row, 400, "unknown output \"nope\"");
    }
}
