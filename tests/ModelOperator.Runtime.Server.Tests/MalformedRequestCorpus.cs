namespace ModelOperator.Runtime.Server.Tests;

/// <summary>One malformed request: where it goes, what it sends, the status it must get, and a fragment of the error.</summary>
public sealed record MalformedCase(string Name, string Path, string Body, int Status, string? Fragment)
{
    public override string ToString() => Name;
}

/// <summary>
/// Over two hundred malformed requests for the churn model (input "features", FP32 [-1, 8]):
/// hand-written structural mistakes, plus systematic families (every bad element kind at every
/// position, every wrong data length, every unsupported datatype, truncated bodies, deep nesting).
/// </summary>
public static class MalformedRequestCorpus
{
    public const string InferPath = "/v2/models/churn/infer";
    public const string Good = """{"inputs":[{"name":"features","shape":[1,8],"datatype":"FP32","data":[35,28.72,5,1,5,14,0,4]}]}""";

    private static string Input(string shape = "[1,8]", string datatype = "\"FP32\"", string data = "[1,2,3,4,5,6,7,8]", string name = "\"features\"") =>
        $$"""{"inputs":[{"name":{{name}},"shape":{{shape}},"datatype":{{datatype}},"data":{{data}}}]}""";

    public static IEnumerable<MalformedCase> All()
    {
        // Structure of the request.
        yield return new("empty body", InferPath, "", 400, "body is empty");
        yield return new("whitespace body", InferPath, "   ", 400, "malformed JSON");
        yield return new("array body", InferPath, "[]", 400, "must be a JSON object");
        yield return new("string body", InferPath, "\"hello\"", 400, "must be a JSON object");
        yield return new("number body", InferPath, "42", 400, "must be a JSON object");
        yield return new("null body", InferPath, "null", 400, "must be a JSON object");
        yield return new("not JSON", InferPath, "inputs=1", 400, "malformed JSON");
        yield return new("single quotes", InferPath, "{'inputs':[]}", 400, "malformed JSON");
        yield return new("trailing comma", InferPath, Good[..^2] + ",]}", 400, "malformed JSON");
        yield return new("comment", InferPath, "/* hi */" + Good, 400, "malformed JSON");
        yield return new("two objects", InferPath, Good + Good, 400, "malformed JSON");
        yield return new("garbage after object", InferPath, Good + "x", 400, "malformed JSON");
        yield return new("no inputs", InferPath, "{}", 400, "no \"inputs\" array");
        yield return new("only id", InferPath, """{"id":"a"}""", 400, "no \"inputs\" array");
        yield return new("empty inputs", InferPath, """{"inputs":[]}""", 400, "missing input \"features\"");
        yield return new("id is a number", InferPath, """{"id":1,"inputs":[]}""", 400, "\"id\" must be a string");
        yield return new("id is null", InferPath, """{"id":null,"inputs":[]}""", 400, "\"id\" must be a string");
        yield return new("parameters is an array", InferPath, Good[..^1] + ",\"parameters\":[]}", 400, "\"parameters\" must be an object");
        yield return new("outputs is an object", InferPath, Good[..^1] + ",\"outputs\":{}}", 400, "\"outputs\" must be an array");
        yield return new("output without name", InferPath, Good[..^1] + ",\"outputs\":[{}]}", 400, "has no \"name\"");
        yield return new("output name not a string", InferPath, Good[..^1] + ",\"outputs\":[{\"name\":3}]}", 400, "must be a string");
        yield return new("unknown output", InferPath, Good[..^1] + ",\"outputs\":[{\"name\":\"score\"}]}", 400, "unknown output \"score\"");
        yield return new("output twice", InferPath, Good[..^1] + ",\"outputs\":[{\"name\":\"churn_probability\"},{\"name\":\"churn_probability\"}]}", 400, "requested twice");
        yield return new("output entry is a string", InferPath, Good[..^1] + ",\"outputs\":[\"churn_probability\"]}", 400, "must be an object");
        foreach (var inputs in new[] { "null", "1", "\"features\"", "true", "{}" })
        {
            yield return new($"inputs is {inputs}", InferPath, $$"""{"inputs":{{inputs}}}""", 400, "\"inputs\" must be an array");
        }

        foreach (var entry in new[] { "null", "1", "\"features\"", "[]", "true" })
        {
            yield return new($"input entry is {entry}", InferPath, $$"""{"inputs":[{{entry}}]}""", 400, "must be an object");
        }

        // Names.
        yield return new("input without name", InferPath, """{"inputs":[{"shape":[1,8],"datatype":"FP32","data":[1,2,3,4,5,6,7,8]}]}""", 400, "has no \"name\"");
        yield return new("unknown input", InferPath, Input(name: "\"feature\""), 400, "unknown input \"feature\"");
        yield return new("input name wrong case", InferPath, Input(name: "\"Features\""), 400, "unknown input \"Features\"");
        yield return new("input name is a number", InferPath, Input(name: "7"), 400, "\"name\" must be a string");
        yield return new("input name is null", InferPath, Input(name: "null"), 400, "\"name\" must be a string");
        yield return new("input given twice", InferPath, """{"inputs":[{"name":"features","shape":[1,8],"datatype":"FP32","data":[1,2,3,4,5,6,7,8]},{"name":"features","shape":[1,8],"datatype":"FP32","data":[1,2,3,4,5,6,7,8]}]}""", 400, "given twice");
        yield return new("missing shape", InferPath, """{"inputs":[{"name":"features","datatype":"FP32","data":[1,2,3,4,5,6,7,8]}]}""", 400, "has no \"shape\"");
        yield return new("missing datatype", InferPath, """{"inputs":[{"name":"features","shape":[1,8],"data":[1,2,3,4,5,6,7,8]}]}""", 400, "has no \"datatype\"");
        yield return new("missing data", InferPath, """{"inputs":[{"name":"features","shape":[1,8],"datatype":"FP32"}]}""", 400, "has no \"data\"");
        yield return new("input parameters is a string", InferPath, """{"inputs":[{"name":"features","shape":[1,8],"datatype":"FP32","parameters":"x","data":[1,2,3,4,5,6,7,8]}]}""", 400, "must be an object");

        // Datatypes.
        // Every protocol datatype is known; the churn model takes FP32 only.
        foreach (var other in new[] { "INT8", "INT16", "UINT16", "UINT32", "UINT64", "FP16", "BF16", "BYTES" })
        {
            yield return new($"datatype {other}", InferPath, Input(datatype: $"\"{other}\""), 400, $"has datatype {other} but the model expects FP32");
        }

        foreach (var unknown in new[] { "fp32", "FLOAT", "float32", "", "FP 32", "TYPE_FP32" })
        {
            yield return new($"datatype \"{unknown}\"", InferPath, Input(datatype: $"\"{unknown}\""), 400, "unknown datatype");
        }

        foreach (var other in new[] { "INT64", "FP64", "INT32", "UINT8", "BOOL" })
        {
            yield return new($"datatype {other} for an FP32 input", InferPath, Input(datatype: $"\"{other}\""), 400, $"has datatype {other} but the model expects FP32");
        }

        yield return new("datatype is a number", InferPath, Input(datatype: "1"), 400, "\"datatype\" must be a string");
        yield return new("datatype is very long", InferPath, Input(datatype: "\"" + new string('F', 200) + "\""), 400, "unknown datatype");

        // Shapes.
        var shapes = new (string Shape, string Fragment)[]
        {
            ("[]", "expects rank 2"),
            ("[8]", "expects rank 2"),
            ("[1,8,1]", "expects rank 2"),
            ("[1,1,8]", "expects rank 2"),
            ("[1,7]", "dimension 1 must be 8"),
            ("[1,9]", "dimension 1 must be 8"),
            ("[8,1]", "dimension 1 must be 8"),
            ("[-1,8]", "shape[0] is -1"),
            ("[1,-8]", "shape[1] is -8"),
            ("[1.5,8]", "shape[0] is not an integer"),
            ("[\"1\",8]", "shape[0] is not an integer"),
            ("[null,8]", "shape[0] is not an integer"),
            ("[true,8]", "shape[0] is not an integer"),
            ("[[1],8]", "shape[0] is not an integer"),
            ("[1e3,8]", "shape[0] is not an integer"),
            ("[9223372036854775808,8]", "shape[0] is not an integer"),
            ("[9223372036854775807,8]", "overflows"),
            ("[4611686018427387904,4611686018427387904]", "dimension 1 must be 8"),
            ("[1000000,8]", "more than a"),
            ("[2,8]", "needs 16"),
            ("[0,8]", "more data elements"),
            ("\"1,8\"", "\"shape\" must be an array"),
            ("{}", "\"shape\" must be an array"),
            ("null", "\"shape\" must be an array"),
            ("[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]", "more than 16 dimensions"),
        };
        foreach (var (shape, fragment) in shapes)
        {
            yield return new($"shape {shape}", InferPath, Input(shape: shape), 400, fragment);
        }

        // Data lengths: every count from 0 to 24 except the right one.
        for (var n = 0; n <= 24; n++)
        {
            if (n == 8)
            {
                continue;
            }

            var data = "[" + string.Join(',', Enumerable.Range(1, n)) + "]";
            yield return new($"{n} data elements", InferPath, Input(data: data), 400, n < 8 ? $"has {n} data elements" : "more data elements");
        }

        // Bad elements at every position.
        var badElements = new (string Value, string Fragment)[]
        {
            ("\"x\"", "is the string \"x\""),
            ("\"\"", "is the string \"\""),
            ("\"1.5\"", "is the string \"1.5\""),
            ("null", "is null"),
            ("true", "is true"),
            ("false", "is false"),
            ("{}", "is an object"),
            ("1e39", "is 1e39"),
            ("-1e39", "is -1e39"),
        };
        foreach (var (value, fragment) in badElements)
        {
            for (var position = 0; position < 8; position++)
            {
                var elements = Enumerable.Range(1, 8).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
                elements[position] = value;
                yield return new($"element {position} is {value}", InferPath, Input(data: "[" + string.Join(',', elements) + "]"), 400, $"element {position} {fragment}");
            }
        }

        // Data that is not an array, or nested wrongly.
        foreach (var data in new[] { "1", "\"1,2,3\"", "null", "{}", "true" })
        {
            yield return new($"data is {data}", InferPath, Input(data: data), 400, "\"data\" must be an array");
        }

        yield return new("nested rows too short", InferPath, Input(shape: "[2,8]", data: "[[1,2,3,4,5,6,7,8],[1,2,3,4,5,6,7]]"), 400, "nested data has 7 elements");
        yield return new("nested rows too long", InferPath, Input(shape: "[2,8]", data: "[[1,2,3,4,5,6,7,8],[1,2,3,4,5,6,7,8,9]]"), 400, "more data elements");
        yield return new("too few nested rows", InferPath, Input(shape: "[2,8]", data: "[[1,2,3,4,5,6,7,8]]"), 400, "nested data has 1 elements");
        yield return new("nested mixes values and rows", InferPath, Input(shape: "[2,8]", data: "[[1,2,3,4,5,6,7,8],1,2,3,4,5,6,7,8]"), 400, "mixes values and arrays");
        yield return new("nested deeper than shape", InferPath, Input(data: "[[[1,2,3,4,5,6,7,8]]]"), 400, "nested deeper than its shape");
        yield return new("empty nested arrays", InferPath, Input(data: "[[],[]]"), 400, "nested data has 0 elements");
        for (var depth = 21; depth <= 60; depth += 3)
        {
            yield return new($"nesting {depth} deep", InferPath, Input(data: new string('[', depth) + "1" + new string(']', depth)), 400, "nesting too deep");
        }

        // Truncated bodies: every prefix cut at a different place.
        for (var cut = 1; cut < Good.Length - 1; cut += 4)
        {
            yield return new($"truncated at byte {cut}", InferPath, Good[..cut], 400, null);
        }

        // Wrong paths.
        yield return new("unknown model", "/v2/models/fraud/infer", Good, 404, "unknown model \"fraud\"");
        yield return new("unknown version", "/v2/models/churn/versions/2/infer", Good, 404, "unknown version \"2\"");
        yield return new("model name case", "/v2/models/Churn/infer", Good, 404, "unknown model \"Churn\"");

        // Too large for the model.
        var huge = "{\"inputs\":[{\"name\":\"features\",\"shape\":[1,8],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6,7,8]}],\"parameters\":{\"pad\":\"" + new string('x', 2_000_000) + "\"}}";
        yield return new("body over the limit", InferPath, huge, 413, "larger than");
    }
}
