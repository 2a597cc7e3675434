using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace ModelOperator.Runtime.Protocol.Tests;

/// <summary>Every datatype through the JSON parser and writer, and the binary data extension's parsing.</summary>
public sealed class TensorTypeTests
{
    // One [batch, 2] input per datatype, named after it.
    private static readonly ModelSignature EveryType = new(
        DataTypes.All.Select(t => new TensorSignature(DataTypes.Name(t).ToLowerInvariant(), t, [-1, 2])).ToArray(),
        [new TensorSignature("out", DataType.FP32, [-1, 2])]);

    private static readonly Dictionary<DataType, string> GoodValues = new()
    {
        [DataType.Bool] = "[true,false]",
        [DataType.UInt8] = "[0,255]",
        [DataType.Int8] = "[-128,127]",
        [DataType.Int16] = "[-32768,32767]",
        [DataType.UInt16] = "[0,65535]",
        [DataType.Int32] = "[-2147483648,2147483647]",
        [DataType.UInt32] = "[0,4294967295]",
        [DataType.Int64] = "[-9223372036854775808,9223372036854775807]",
        [DataType.UInt64] = "[0,18446744073709551615]",
        [DataType.FP16] = "[65504,-0.5]",
        [DataType.BF16] = "[1.5,-3.3895313892515355E+38]",
        [DataType.FP32] = "[1.5,\"NaN\"]",
        [DataType.FP64] = "[1E+300,-2.25]",
        [DataType.Bytes] = "[\"caf\\u00e9\",\"\"]",
    };

    private static string Request(Func<DataType, string>? data = null, string extra = "") =>
        "{" + extra + "\"inputs\":[" + string.Join(",", DataTypes.All.Select(t =>
            $"{{\"name\":\"{DataTypes.Name(t).ToLowerInvariant()}\",\"shape\":[1,2],\"datatype\":\"{DataTypes.Name(t)}\",\"data\":{(data ?? (x => GoodValues[x]))(t)}}}")) + "]}";

    private static InferenceRequest Parse(string json, byte[]? tail = null)
    {
        var request = new InferenceRequest(EveryType);
        var header = Encoding.UTF8.GetBytes(json);
        if (tail is null)
        {
            InferenceRequestParser.Parse(header, request);
        }
        else
        {
            InferenceRequestParser.Parse(new System.Buffers.ReadOnlySequence<byte>([.. header, .. tail]), request, header.Length);
        }

        return request;
    }

    private static string WriteBack(InferenceRequest request, DataType type)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            var slot = request.Inputs[(int)type];
            InferenceResponseWriter.WriteOutput(writer, JsonEncodedText.Encode("x"), type, slot.Shape, slot.Data.Span);
        }

        return JsonDocument.Parse(buffer.WrittenMemory).RootElement.GetProperty("data").GetRawText();
    }

    [Fact]
    public void Every_datatype_reads_from_JSON_and_writes_back_the_same_values()
    {
        var request = Parse(Request());

        foreach (var type in DataTypes.All)
        {
            var back = WriteBack(request, type);
            var expected = JsonDocument.Parse(GoodValues[type]).RootElement.EnumerateArray().Select(e => e.ToString()).ToArray();
            var actual = JsonDocument.Parse(back).RootElement.EnumerateArray().Select(e => e.ToString()).ToArray();
            if (type is DataType.FP16 or DataType.BF16 or DataType.FP32)
            {
                Assert.Equal(expected.Select(e => (float)ParseNumber(e)), actual.Select(e => (float)ParseNumber(e)));
            }
            else if (type == DataType.FP64)
            {
                Assert.Equal(expected.Select(ParseNumber), actual.Select(ParseNumber));
            }
            else
            {
                Assert.Equal(expected, actual);
            }
        }
    }

    private static double ParseNumber(string text) => text == "NaN" ? double.NaN : double.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Elements_are_laid_out_little_endian_and_BYTES_with_length_prefixes()
    {
        var request = Parse(Request());

        Assert.Equal([0x80, 0x7F], request.Inputs[(int)DataType.Int8].Data.ToArray());
        Assert.Equal(BitConverter.HalfToUInt16Bits((Half)65504), BinaryPrimitives.ReadUInt16LittleEndian(request.Inputs[(int)DataType.FP16].Data.Span));
        Assert.Equal(0x3FC0, BinaryPrimitives.ReadUInt16LittleEndian(request.Inputs[(int)DataType.BF16].Data.Span)); // 1.5
        Assert.Equal(ulong.MaxValue, BinaryPrimitives.ReadUInt64LittleEndian(request.Inputs[(int)DataType.UInt64].Data.Span[8..]));
        byte[] bytes = [5, 0, 0, 0, .. "café"u8, 0, 0, 0, 0];
        Assert.Equal(bytes, request.Inputs[(int)DataType.Bytes].Data.ToArray());
        Assert.Equal(2, request.Inputs[(int)DataType.Bytes].ElementCount);
    }

    [Theory]
    [InlineData(DataType.Int8, "128", "an integer from -128 to 127")]
    [InlineData(DataType.Int16, "-32769", "an integer from -32768 to 32767")]
    [InlineData(DataType.UInt16, "65536", "an integer from 0 to 65535")]
    [InlineData(DataType.UInt32, "-1", "an integer from 0 to 4294967295")]
    [InlineData(DataType.UInt64, "18446744073709551616", "an integer from 0 to 18446744073709551615")]
    [InlineData(DataType.UInt64, "1.0", "an integer from 0 to 18446744073709551615")]
    [InlineData(DataType.FP16, "70000", "a number from -65504 to 65504")]
    [InlineData(DataType.FP16, "true", "a number from -65504 to 65504")]
    [InlineData(DataType.BF16, "1e39", "a number in the BF16 range")]
    [InlineData(DataType.Bytes, "5", "a string")]
    [InlineData(DataType.Bool, "\"true\"", "true or false")]
    public void A_value_outside_its_datatype_names_the_tensor_the_index_and_the_range(DataType type, string bad, string allowed)
    {
        var json = Request(t => t == type ? $"[{GoodValues[t][1..^1].Split(',')[0]},{bad}]" : GoodValues[t]);

        var ex = Assert.Throws<ProtocolException>(() => Parse(json));

        Assert.Equal(400, ex.StatusCode);
        Assert.Contains($"input \"{DataTypes.Name(type).ToLowerInvariant()}\" ({DataTypes.Name(type)}): element 1 is", ex.Message, StringComparison.Ordinal);
        Assert.Contains("expected " + allowed, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Binary_inputs_mix_with_JSON_inputs_and_read_the_tail_in_order()
    {
        byte[] fp32 = [.. BitConverter.GetBytes(1.5f), .. BitConverter.GetBytes(-2f)];
        byte[] strings = [1, 0, 0, 0, (byte)'a', 2, 0, 0, 0, (byte)'b', (byte)'c'];
        var json = Request(extra: "").Replace(
            "\"datatype\":\"FP32\",\"data\":[1.5,\"NaN\"]", "\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":8}", StringComparison.Ordinal)
            .Replace("\"datatype\":\"BYTES\",\"data\":[\"caf\\u00e9\",\"\"]", "\"datatype\":\"BYTES\",\"parameters\":{\"binary_data_size\":11}", StringComparison.Ordinal);

        var request = Parse(json, [.. fp32, .. strings]);

        Assert.Equal(fp32, request.Inputs[(int)DataType.FP32].Data.ToArray());
        Assert.Equal(strings, request.Inputs[(int)DataType.Bytes].Data.ToArray());
        Assert.Equal([-128, 127], request.Inputs[(int)DataType.Int8].Data.ToArray().Select(b => (int)(sbyte)b));
    }

    [Theory]
    [InlineData(4, "binary_data_size 4 but shape [1, 2] of FP32 needs 2 x 4 = 8 bytes")]
    [InlineData(12, "has binary_data_size 12 but only 8 bytes of binary data are left")]
    [InlineData(-1, "binary_data_size must be an integer >= 0")]
    public void Binary_sizes_that_do_not_add_up_are_refused_naming_the_tensor(int size, string expected)
    {
        var json = Request().Replace(
            "\"datatype\":\"FP32\",\"data\":[1.5,\"NaN\"]", $"\"datatype\":\"FP32\",\"parameters\":{{\"binary_data_size\":{size}}}", StringComparison.Ordinal);

        var ex = Assert.Throws<ProtocolException>(() => Parse(json, new byte[8]));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        if (size >= 0)
        {
            Assert.Contains("input \"fp32\"", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Binary_data_left_over_after_the_inputs_is_refused()
    {
        var json = Request().Replace(
            "\"datatype\":\"FP32\",\"data\":[1.5,\"NaN\"]", "\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":8}", StringComparison.Ordinal);

        var ex = Assert.Throws<ProtocolException>(() => Parse(json, new byte[9]));

        Assert.Contains("binary data after the JSON is 9 bytes but the inputs' binary_data_size parameters add up to 8", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 1, 0, 0, 0, 65, 9, 0, 0, 0, 66 }, "BYTES element 1 has a length prefix of 9 bytes but only 1 byte(s) follow it")]
    [InlineData(new byte[] { 1, 0, 0, 0, 65, 0, 0 }, "BYTES element 1 has no 4-byte length prefix")]
    [InlineData(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 7 }, "1 byte(s) more than its 2 length-prefixed BYTES elements")]
    public void BYTES_binary_data_must_be_exactly_its_length_prefixed_elements(byte[] tail, string expected)
    {
        var json = Request().Replace(
            "\"datatype\":\"BYTES\",\"data\":[\"caf\\u00e9\",\"\"]", $"\"datatype\":\"BYTES\",\"parameters\":{{\"binary_data_size\":{tail.Length}}}", StringComparison.Ordinal);

        var ex = Assert.Throws<ProtocolException>(() => Parse(json, tail));

        Assert.Contains("input \"bytes\" (BYTES, shape [1, 2])", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_length_beyond_the_body_is_refused()
    {
        var request = new InferenceRequest(EveryType);
        var body = Encoding.UTF8.GetBytes(Request());

        var ex = Assert.Throws<ProtocolException>(() => InferenceRequestParser.Parse(new System.Buffers.ReadOnlySequence<byte>(body), request, body.Length + 1));

        Assert.Contains($"Inference-Header-Content-Length is {body.Length + 1} but the body has only {body.Length} bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Binary_data_size_without_the_header_is_refused()
    {
        var json = Request().Replace(
            "\"datatype\":\"FP32\",\"data\":[1.5,\"NaN\"]", "\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":8}", StringComparison.Ordinal);

        var ex = Assert.Throws<ProtocolException>(() => Parse(json));

        Assert.Contains("input \"fp32\" has parameters.binary_data_size but the request has no Inference-Header-Content-Length header", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Outputs_ask_for_binary_one_by_one_or_all_at_once()
    {
        var signature = new ModelSignature(EveryType.Inputs, [new("a", DataType.FP32, [-1]), new("b", DataType.FP32, [-1])]);
        InferenceRequest Read(string extra)
        {
            var request = new InferenceRequest(signature);
            InferenceRequestParser.Parse(Encoding.UTF8.GetBytes(Request(extra: extra)), request);
            return request;
        }

        var none = Read("");
        var all = Read("\"parameters\":{\"binary_data_output\":true},");
        var one = Read("\"outputs\":[{\"name\":\"b\",\"parameters\":{\"binary_data\":true}},{\"name\":\"a\"}],");
        var allButA = Read("\"parameters\":{\"binary_data_output\":true},\"outputs\":[{\"name\":\"a\",\"parameters\":{\"binary_data\":false}}],");

        Assert.False(none.IsBinaryOutput(0) || none.IsBinaryOutput(1));
        Assert.True(all.IsBinaryOutput(0) && all.IsBinaryOutput(1));
        Assert.True(!one.IsBinaryOutput(0) && one.IsBinaryOutput(1));
        Assert.True(!allButA.IsBinaryOutput(0) && allButA.IsBinaryOutput(1));
        var ex = Assert.Throws<ProtocolException>(() => Read("\"parameters\":{\"binary_data_output\":1},"));
        Assert.Contains("parameters.binary_data_output must be true or false", ex.Message, StringComparison.Ordinal);
    }
}
