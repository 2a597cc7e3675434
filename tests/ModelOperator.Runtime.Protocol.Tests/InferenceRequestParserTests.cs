using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using ModelOperator.Runtime.Protocol;

namespace ModelOperator.Runtime.Protocol.Tests;

public sealed class InferenceRequestParserTests
{
    private static readonly ModelSignature Churn = new(
        [new TensorSignature("features", DataType.FP32, [-1, 8])],
        [new TensorSignature("churn_probability", DataType.FP32, [-1, 1])]);

    private static readonly ModelSignature MultiType = new(
        [
            new TensorSignature("f64", DataType.FP64, [-1, 2]),
            new TensorSignature("i32", DataType.Int32, [-1, 2]),
            new TensorSignature("i64", DataType.Int64, [-1, 2]),
            new TensorSignature("u8", DataType.UInt8, [-1, 2]),
            new TensorSignature("b", DataType.Bool, [-1, 2]),
        ],
        [new TensorSignature("out", DataType.FP64, [-1, 2]), new TensorSignature("out2", DataType.Int64, [-1, 2])]);

    private static InferenceRequest Parse(ModelSignature signature, string json)
    {
        var request = new InferenceRequest(signature);
        InferenceRequestParser.Parse(Encoding.UTF8.GetBytes(json), request);
        return request;
    }

    private static float[] Floats(InferenceRequest.InputSlot slot)
    {
        var bytes = slot.Data.Span;
        var values = new float[bytes.Length / 4];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * 4)..]);
        }

        return values;
    }

    [Fact]
    public void Flat_data_is_parsed_in_row_major_order_with_shape_and_id()
    {
        var request = Parse(Churn, """{"id":"req-\u00e9-1","inputs":[{"name":"features","shape":[2,8],"datatype":"FP32","data":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16.5]}]}""");

        var slot = request.Inputs[0];
        Assert.True(slot.Present);
        Assert.Equal([2L, 8L], slot.Shape);
        Assert.Equal(16, slot.ElementCount);
        Assert.Equal(16.5f, Floats(slot)[15]);
        Assert.Equal("req-é-1", Encoding.UTF8.GetString(request.Id));
        Assert.Equal(2, request.BatchSize);
        Assert.True(request.RequestedOutputs.IsEmpty);
    }

    [Fact]
    public void Nested_data_equals_flat_data()
    {
        var flat = Parse(Churn, """{"inputs":[{"name":"features","shape":[2,8],"datatype":"FP32","data":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]}]}""");
        var nested = Parse(Churn, """{"inputs":[{"name":"features","shape":[2,8],"datatype":"FP32","data":[[1,2,3,4,5,6,7,8],[9,10,11,12,13,14,15,16]]}]}""");

        Assert.Equal(Floats(flat.Inputs[0]), Floats(nested.Inputs[0]));
    }

    [Fact]
    public void Data_before_shape_and_datatype_is_accepted()
    {
        var request = Parse(Churn, """{"inputs":[{"data":[1,2,3,4,5,6,7,8],"datatype":"FP32","shape":[1,8],"name":"features"}]}""");

        Assert.Equal([1f, 2, 3, 4, 5, 6, 7, 8], Floats(request.Inputs[0]));
    }

    [Fact]
    public void Every_supported_datatype_is_laid_out_little_endian()
    {
        var request = Parse(MultiType, """
            {"inputs":[
              {"name":"f64","shape":[1,2],"datatype":"FP64","data":[1.5,"NaN"]},
              {"name":"i32","shape":[1,2],"datatype":"INT32","data":[-2147483648,7]},
              {"name":"i64","shape":[1,2],"datatype":"INT64","data":[9223372036854775807,-1]},
              {"name":"u8","shape":[1,2],"datatype":"UINT8","data":[0,255]},
              {"name":"b","shape":[1,2],"datatype":"BOOL","data":[true,false]}
            ],"outputs":[{"name":"out2"}]}
            """);

        Assert.Equal(1.5, BinaryPrimitives.ReadDoubleLittleEndian(request.Inputs[0].Data.Span));
        Assert.True(double.IsNaN(BinaryPrimitives.ReadDoubleLittleEndian(request.Inputs[0].Data.Span[8..])));
        Assert.Equal(int.MinValue, BinaryPrimitives.ReadInt32LittleEndian(request.Inputs[1].Data.Span));
        Assert.Equal(long.MaxValue, BinaryPrimitives.ReadInt64LittleEndian(request.Inputs[2].Data.Span));
        Assert.Equal(new byte[] { 0, 255 }, request.Inputs[3].Data.ToArray());
        Assert.Equal(new byte[] { 1, 0 }, request.Inputs[4].Data.ToArray());
        Assert.Equal([1], request.RequestedOutputs.ToArray());
    }

    [Fact]
    public void Reset_makes_the_request_reusable()
    {
        var request = new InferenceRequest(Churn);
        InferenceRequestParser.Parse(Encoding.UTF8.GetBytes("""{"id":"a","inputs":[{"name":"features","shape":[1,8],"datatype":"FP32","data":[1,1,1,1,1,1,1,1]}]}"""), request);
        request.Reset();
        InferenceRequestParser.Parse(Encoding.UTF8.GetBytes("""{"inputs":[{"name":"features","shape":[1,8],"datatype":"FP32","data":[2,2,2,2,2,2,2,2]}]}"""), request);

        Assert.False(request.HasId);
        Assert.All(Floats(request.Inputs[0]), v => Assert.Equal(2f, v));
    }

    [Fact]
    public void Parsing_a_warm_request_allocates_nothing()
    {
        var body = Encoding.UTF8.GetBytes("""{"id":"x","inputs":[{"name":"features","shape":[1,8],"datatype":"FP32","data":[1,2,3,4,5,6,7,8]}]}""");
        var request = new InferenceRequest(Churn);
        for (var i = 0; i < 100; i++)
        {
            InferenceRequestParser.Parse(body, request);
            request.Reset();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            InferenceRequestParser.Parse(body, request);
            request.Reset();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    public static TheoryData<string, string> BadRequests => new()
    {
        { "", "body is empty" },
        { "[]", "must be a JSON object" },
        { "{", "malformed JSON" },
        { "{\"inputs\":[]} trailing", "malformed JSON" },
        { "{}", "no \"inputs\" array" },
        { "{\"inputs\":{}}", "\"inputs\" must be an array" },
        { "{\"inputs\":[1]}", "must be an object" },
        { "{\"inputs\":[]}", "missing input \"features\"" },
        { "{\"id\":5,\"inputs\":[]}", "\"id\" must be a string" },
        { "{\"inputs\":[{\"shape\":[1,8],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6,7,8]}]}", "has no \"name\"" },
        { "{\"inputs\":[{\"name\":\"nope\",\"shape\":[1,8],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6,7,8]}]}", "unknown input \"nope\"; the model's inputs are: features" },
        { "{\"inputs\":[{\"name\":\"features\",\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6,7,8]}]}", "has no \"shape\"" },
        { "{\"inputs\":[{\"name\":\"features\",\"shape\":[1,8],\"data\":[1,2,3,4,5,6,7,8]}]}", "has no \"datatype\"" },
        { "{\"inputs\":[{\"name\":\"features\",\"shape\":[1,8],\"datatype\":\"FP32\"}]}", "has no \"data\"" },
        { "{\"inputs\":[{\"name\":\"features\",\"shape\":[1,8],\"datatype\":\"INT64\",\"data\":[1,2,3,4,5,6,7,8]}]}", "has datatype INT64 but the model expects FP32" },
        { "{\"inputs\":[{\"name\":\"features\",\"shape\":[1,8],\"datatype\":\"FP16\",\"data\":[1,2,3,4,5,6,7,8]}]}", "has datatype FP16 but the model expects FP32" },
        { "{\"inputs\":[{\"name\":\"features\",\"shape\":[1,8],\"datatype\":\"float\",\"data\":[1,2,3,4,5,6,7,8]}]}", "unknown datatype \"float\"" },
        { "{\"inputs\":[{\"name\":\"features\",\"shape\":[1,8],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6,7]}]}", "has 7 data elements but shape [1, 8] needs 8" },
        { "{\"inputs\":[{\"name\":\"features\",\"shape\":[1,8],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6,7,8,9]}]}", "more data elements than shape [1, 8] holds" },
        { "{\"inputs\":[{\"name\":\"features\",\"shape\":[8],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6,7,8]}]}", "expects rank 2" },
        { "{\"inputs\":[{\"name\":\"features\",\"shape\":[1,7],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6,7]}]}", "dimension 1 must be 8" },
        { "{\"inputs\":[{\"name\":\"features\",\"shape\":[-1,8],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6,7,8]}]}", "shape[0] is -1; dimensions must be >= 0" },
        { "{\"inputs\":[{\"name\":\"features\",\"shape\":[1.5,8],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6,7,8]}]}", "shape[0] is not an integer" },
        { "{\"inputs\":[{\"name\":\"features\",\"shape\":[4611686018427387904,8],\"datatype\":\"FP32\",\"data\":[1]}]}", "overflows" },
        { "{\"inputs\":[{\"name\":\"features\",\"shape\":[100000,8],\"datatype\":\"FP32\",\"data\":[1]}]}", "more than a" },
        { "{\"inputs\":[{\"name\":\"features\",\"shape\":[1,8],\"datatype\":\"FP32\",\"data\":[1,2,3,\"x\",5,6,7,8]}]}", "element 3 is the string \"x\"" },
        { "{\"inputs\":[{\"name\":\"features\",\"shape\":[1,8],\"datatype\":\"FP32\",\"data\":[1,2,3,null,5,6,7,8]}]}", "element 3 is null" },
        { "{\"inputs\":[{\"name\":\"features\",\"shape\":[1,8],\"datatype\":\"FP32\",\"data\":[1e39,2,3,4,5,6,7,8]}]}", "element 0 is 1e39" },
        { "{\"inputs\":[{\"name\":\"features\",\"shape\":[2,8],\"datatype\":\"FP32\",\"data\":[[1,2,3,4,5,6,7,8],[1,2,3,4,5,6,7]]}]}", "nested data has 7 elements" },
        { "{\"inputs\":[{\"name\":\"features\",\"shape\":[2,8],\"datatype\":\"FP32\",\"data\":[[1,2,3,4,5,6,7,8],1,2,3,4,5,6,7,8]}]}", "mixes values and arrays" },
        { "{\"inputs\":[{\"name\":\"features\",\"shape\":[1,8],\"datatype\":\"FP32\",\"data\":[[[1,2,3,4,5,6,7,8]]]}]}", "nested deeper than its shape" },
        { "{\"inputs\":[{\"name\":\"features\",\"shape\":[1,8],\"datatype\":\"FP32\",\"data\":" + new string('[', 30) + "1" + new string(']', 30) + "}]}", "nesting too deep" },
        { "{\"inputs\":[{\"name\":\"features\",\"shape\":[1,8],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6,7,8]},{\"name\":\"features\",\"shape\":[1,8],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6,7,8]}]}", "given twice" },
        { "{\"inputs\":[{\"name\":\"features\",\"shape\":[1,8],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6,7,8]}],\"outputs\":[{\"name\":\"x\"}]}", "unknown output \"x\"" },
        { "{\"inputs\":[{\"name\":\"features\",\"shape\":[1,8],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6,7,8]}],\"outputs\":[{\"name\":\"churn_probability\"},{\"name\":\"churn_probability\"}]}", "requested twice" },
        { "{\"inputs\":[{\"name\":\"features\",\"shape\":[1,8],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6,7,8]}],\"parameters\":[]}", "\"parameters\" must be an object" },
        { "{\"inputs\":[{\"name\":\"features\",\"shape\":[1,8],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6,7,8]}],\"outputs\":[{\"parameters\":{\"classification\":3},\"name\":\"churn_probability\"}]}", "requested output \"churn_probability\" has parameters.classification, but this server does not implement the classification extension" },
        { "{\"inputs\":[{\"name\":\"features\",\"shape\":[1,8],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6,7,8]}],\"outputs\":[{\"name\":\"churn_probability\",\"parameters\":{\"shared_memory_byte_size\":4}}]}", "requested output \"churn_probability\" has parameters.shared_memory_byte_size" },
        { "{\"inputs\":[{\"parameters\":{\"shared_memory_region\":\"r\",\"shared_memory_byte_size\":32},\"name\":\"features\",\"shape\":[1,8],\"datatype\":\"FP32\"}]}", "input \"features\" has parameters.shared_memory_region, but this server does not implement the shared-memory extensions" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public void Bad_requests_are_refused_with_a_message_that_names_the_problem(string json, string expected)
    {
        var ex = Assert.Throws<ProtocolException>(() => Parse(Churn, json));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Equal(400, ex.StatusCode);
    }

    [Theory]
    [InlineData("i32", "INT32", "2147483648", "an integer from -2147483648 to 2147483647")]
    [InlineData("i32", "INT32", "1.5", "an integer from -2147483648 to 2147483647")]
    [InlineData("i64", "INT64", "true", "an integer from -9223372036854775808 to 9223372036854775807")]
    [InlineData("u8", "UINT8", "256", "an integer from 0 to 255")]
    [InlineData("u8", "UINT8", "-1", "an integer from 0 to 255")]
    [InlineData("b", "BOOL", "1", "true or false")]
    [InlineData("f64", "FP64", "\"inf\"", "a number")]
    public void Values_outside_their_datatype_are_refused(string input, string datatype, string value, string expected)
    {
        var inputs = MultiType.Inputs.Select(i => i.Name == input
            ? $"{{\"name\":\"{i.Name}\",\"shape\":[1,2],\"datatype\":\"{datatype}\",\"data\":[{value},{value}]}}"
            : $"{{\"name\":\"{i.Name}\",\"shape\":[1,2],\"datatype\":\"{DataTypes.Name(i.DataType)}\",\"data\":{(i.DataType == DataType.Bool ? "[true,true]" : "[1,1]")}}}");
        var json = "{\"inputs\":[" + string.Join(",", inputs) + "]}";

        var ex = Assert.Throws<ProtocolException>(() => Parse(MultiType, json));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Contains($"\"{input}\"", ex.Message, StringComparison.Ordinal);
    }

    // Where in a valid request a bad string goes: {0} is replaced by the string's raw content.
    public static TheoryData<string> StringPlaces => new()
    {
        "{\"id\":\"{0}\",\"inputs\":[{\"name\":\"features\",\"shape\":[1,8],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6,7,8]}]}",
        "{\"inputs\":[{\"name\":\"{0}\",\"shape\":[1,8],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6,7,8]}]}",
        "{\"inputs\":[{\"name\":\"features\",\"shape\":[1,8],\"datatype\":\"{0}\",\"data\":[1,2,3,4,5,6,7,8]}]}",
        "{\"inputs\":[{\"name\":\"features\",\"shape\":[1,8],\"datatype\":\"FP32\",\"data\":[\"{0}\",2,3,4,5,6,7,8]}]}",
        "{\"{0}\":1,\"inputs\":[{\"name\":\"features\",\"shape\":[1,8],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6,7,8]}]}",
        "{\"x\":[{\"y\":\"{0}\"}],\"inputs\":[{\"name\":\"features\",\"shape\":[1,8],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6,7,8]}]}",
        "{\"parameters\":{\"{0}\":\"v\"},\"inputs\":[{\"name\":\"features\",\"shape\":[1,8],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6,7,8]}]}",
        "{\"parameters\":{\"k\":[\"{0}\"]},\"inputs\":[{\"name\":\"features\",\"shape\":[1,8],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6,7,8]}]}",
        "{\"inputs\":[{\"name\":\"features\",\"parameters\":{\"k\":\"{0}\"},\"shape\":[1,8],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6,7,8]}]}",
        "{\"inputs\":[{\"{0}\":0,\"name\":\"features\",\"shape\":[1,8],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6,7,8]}]}",
        "{\"inputs\":[{\"name\":\"features\",\"shape\":[1,8],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6,7,8]}],\"outputs\":[{\"name\":\"{0}\"}]}",
        "{\"inputs\":[{\"name\":\"features\",\"shape\":[1,8],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6,7,8]}],\"outputs\":[{\"name\":\"churn_probability\",\"parameters\":{\"k\":\"{0}\"}}]}",
    };

    [Theory]
    [MemberData(nameof(StringPlaces))]
    public void Invalid_utf8_anywhere_in_the_body_is_malformed_json(string template)
    {
        foreach (var bad in new byte[][] { [0xff], [0xc3], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80] })
        {
            var parts = template.Split("{0}");
            byte[] body = [.. Encoding.UTF8.GetBytes(parts[0]), .. bad, .. Encoding.UTF8.GetBytes(parts[1])];
            var request = new InferenceRequest(Churn);

            var ex = Assert.Throws<ProtocolException>(() => InferenceRequestParser.Parse(body, request));

            Assert.Contains("not valid UTF-8", ex.Message, StringComparison.Ordinal);
            Assert.Equal(400, ex.StatusCode);
        }
    }

    [Theory]
    [MemberData(nameof(StringPlaces))]
    public void Lone_surrogate_escapes_anywhere_in_the_body_are_malformed_json(string template)
    {
        foreach (var bad in new[] { "\\ud800", "\\udfff", "a\\ud83d", "\\ude00x", "\\ud800\\ud800" })
        {
            var ex = Assert.Throws<ProtocolException>(() => Parse(Churn, template.Replace("{0}", bad, StringComparison.Ordinal)));

            Assert.Contains("lone surrogate", ex.Message, StringComparison.Ordinal);
            Assert.Equal(400, ex.StatusCode);
        }
    }

    [Fact]
    public void Escaped_surrogate_pairs_and_multibyte_text_are_accepted_in_skipped_members()
    {
        var request = Parse(Churn, "{\"parameters\":{\"emoji\":\"\\ud83d\\ude00 \u00e9\u4e2d\"},\"inputs\":[{\"name\":\"features\",\"shape\":[1,8],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6,7,8]}]}");

        Assert.True(request.Inputs[0].Present);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("\"x\"")]
    [InlineData("1")]
    [InlineData("true")]
    public void A_requested_outputs_parameters_must_be_an_object(string parameters)
    {
        var json = "{\"inputs\":[{\"name\":\"features\",\"shape\":[1,8],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6,7,8]}],\"outputs\":[{\"name\":\"churn_probability\",\"parameters\":" + parameters + "}]}";

        var ex = Assert.Throws<ProtocolException>(() => Parse(Churn, json));

        Assert.Contains("a requested output's \"parameters\" must be an object", ex.Message, StringComparison.Ordinal);
    }
}
