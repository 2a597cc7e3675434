using System.Runtime.InteropServices;
using Google.Protobuf;
using Grpc.Core;
using ModelOperator.Runtime.Server.Grpc.Protocol;

namespace ModelOperator.Runtime.Server.Tests.Grpc;

/// <summary>One bad ModelInfer call: the request, the status it must get and a fragment of the message (null: any).</summary>
internal sealed record GrpcBadCase(string Name, Func<ModelInferRequest> Request, StatusCode Code, string? Fragment)
{
    public override string ToString() => Name;
}

/// <summary>
/// The gRPC counterpart of <see cref="MalformedRequestCorpus"/>, generated family by family for the churn model (input
/// "features", FP32 [-1, 8]), each family in typed contents and in raw_input_contents where both apply: wrong and
/// unknown datatypes, shapes that do not fit, value and byte counts that do not add up, values in the wrong field, raw
/// and typed at once, raw entries that do not match the inputs, unknown, missing and repeated inputs and outputs,
/// unknown models and versions, shapes that overflow, and messages over the model's and the server's limits.
/// </summary>
internal static class GrpcBadInputCorpus
{
    public const string Model = "churn";
    public const string Input = "features";

    /// <summary>The server's MAX_REQUEST_BODY_BYTES for the corpus, so that gRPC's own limit is reached with a few MiB.</summary>
    public const long MaxRequestBodyBytes = 2 << 20;

    private static readonly string[] OtherDatatypes = ["BOOL", "UINT8", "INT8", "INT16", "INT32", "INT64", "UINT16", "UINT32", "UINT64", "FP16", "BF16", "FP64", "BYTES"];
    private static readonly string[] UnknownDatatypes = ["fp32", "FLOAT", "float32", "FP 32", "TYPE_FP32", "FP32 ", "F", "STRING", ""];

    public static ModelInferRequest Good() => Typed([1, 8], 8);

    public static ModelInferRequest Typed(long[] shape, int values, string datatype = "FP32", string name = Input)
    {
        var tensor = new ModelInferRequest.Types.InferInputTensor { Name = name, Datatype = datatype, Contents = new InferTensorContents() };
        tensor.Shape.AddRange(shape);
        tensor.Contents.Fp32Contents.AddRange(Enumerable.Range(0, values).Select(i => (float)i));
        var request = new ModelInferRequest { ModelName = Model };
        request.Inputs.Add(tensor);
        return request;
    }

    public static ModelInferRequest Raw(long[] shape, int bytes, string datatype = "FP32", string name = Input)
    {
        var tensor = new ModelInferRequest.Types.InferInputTensor { Name = name, Datatype = datatype };
        tensor.Shape.AddRange(shape);
        var request = new ModelInferRequest { ModelName = Model };
        request.Inputs.Add(tensor);
        request.RawInputContents.Add(ByteString.CopyFrom(new byte[bytes]));
        return request;
    }

    public static IEnumerable<GrpcBadCase> All()
    {
        // Datatypes: every other name the protocol defines, and names it does not.
        foreach (var datatype in OtherDatatypes)
        {
            yield return new($"typed datatype {datatype}", () => Typed([1, 8], 8, datatype), StatusCode.InvalidArgument, datatype);
            yield return new($"raw datatype {datatype}", () => Raw([1, 8], 32, datatype), StatusCode.InvalidArgument, datatype);
        }

        // Another datatype with its own field filled right: the data is well-formed, only the datatype is not the model's.
        (string Datatype, Action<InferTensorContents> Fill)[] typedRight =
        [
            ("BOOL", c => c.BoolContents.AddRange(Enumerable.Repeat(false, 8))),
            ("INT32", c => c.IntContents.AddRange(Enumerable.Range(0, 8))),
            ("INT64", c => c.Int64Contents.AddRange(Enumerable.Range(0, 8).Select(i => (long)i))),
            ("UINT8", c => c.UintContents.AddRange(Enumerable.Range(0, 8).Select(i => (uint)i))),
            ("UINT32", c => c.UintContents.AddRange(Enumerable.Range(0, 8).Select(i => (uint)i))),
            ("FP64", c => c.Fp64Contents.AddRange(Enumerable.Range(0, 8).Select(i => (double)i))),
        ];
        foreach (var (datatype, fill) in typedRight)
        {
            yield return new($"typed {datatype} in its own field", () =>
            {
                var request = Typed([1, 8], 0, datatype);
                fill(request.Inputs[0].Contents);
                return request;
            }, StatusCode.InvalidArgument, datatype);
        }

        foreach (var datatype in UnknownDatatypes)
        {
            yield return new($"typed unknown datatype \"{datatype}\"", () => Typed([1, 8], 8, datatype), StatusCode.InvalidArgument, "datatype");
            yield return new($"raw unknown datatype \"{datatype}\"", () => Raw([1, 8], 32, datatype), StatusCode.InvalidArgument, "datatype");
        }

        // Shapes that do not fit [-1, 8] (with data that fits the shape given, so that the shape is the problem).
        long[][] shapes = [[8], [1], [1, 7], [1, 9], [1, 8, 1], [2, 4], [], [8, 1], [1, 0], [4, 2], [1, 1, 8], [1, 16], [1, 4, 2]];
        foreach (var shape in shapes)
        {
            var elements = (int)shape.Aggregate(1L, (a, d) => a * d);
            var text = "[" + string.Join(",", shape) + "]";
            yield return new($"typed shape {text}", () => Typed(shape, elements), StatusCode.InvalidArgument, "the model expects");
            yield return new($"raw shape {text}", () => Raw(shape, elements * 4), StatusCode.InvalidArgument, "the model expects");
        }

        foreach (var shape in new long[][] { [-1, 8], [1, -8], [-5, 8], [long.MinValue, 8] })
        {
            var text = "[" + string.Join(",", shape) + "]";
            yield return new($"typed negative shape {text}", () => Typed(shape, 8), StatusCode.InvalidArgument, "dimensions must be >= 0");
            yield return new($"raw negative shape {text}", () => Raw(shape, 32), StatusCode.InvalidArgument, "dimensions must be >= 0");
        }

        var deep = Enumerable.Repeat(1L, 17).ToArray();
        yield return new("typed shape of 17 dimensions", () => Typed(deep, 1), StatusCode.InvalidArgument, "more than 16 dimensions");
        yield return new("raw shape of 17 dimensions", () => Raw(deep, 4), StatusCode.InvalidArgument, "more than 16 dimensions");
        yield return new("typed shape that overflows", () => Typed([1L << 40, 1L << 40], 8), StatusCode.InvalidArgument, "the model expects");
        yield return new("typed rows that overflow", () => Typed([1L << 61, 8], 8), StatusCode.InvalidArgument, "overflows");
        yield return new("raw rows that overflow", () => Raw([1L << 61, 8], 32), StatusCode.InvalidArgument, "overflows");
        yield return new("typed rows beyond the message", () => Typed([1L << 30, 8], 8), StatusCode.InvalidArgument, "can hold");
        yield return new("raw rows beyond the message", () => Raw([1L << 30, 8], 32), StatusCode.InvalidArgument, "can hold");

        // Value counts that do not add up to the shape.
        for (var rows = 1; rows <= 4; rows++)
        {
            foreach (var delta in new[] { -8, -1, 1, 8 })
            {
                var values = (rows * 8) + delta;
                if (values < 0)
                {
                    continue;
                }

                var r = rows;
                yield return new($"typed {values} values for [{rows},8]", () => Typed([r, 8], values), StatusCode.InvalidArgument, $"{values} values in contents.fp32_contents");
            }
        }

        yield return new("typed no contents at all", () =>
        {
            var request = Typed([1, 8], 0);
            request.Inputs[0].Contents = null;
            return request;
        }, StatusCode.InvalidArgument, "0 values in contents.fp32_contents");

        for (var rows = 1; rows <= 3; rows++)
        {
            foreach (var delta in new[] { -32, -4, -1, 1, 3, 4, 32 })
            {
                var bytes = (rows * 32) + delta;
                var r = rows;
                yield return new($"raw {bytes} bytes for [{rows},8]", () => Raw([r, 8], bytes), StatusCode.InvalidArgument, $"has {bytes} bytes");
            }
        }

        // Values in a field that is not FP32's, alone or beside fp32_contents; raw and typed at once.
        (string Field, Action<InferTensorContents> Fill)[] fields =
        [
            ("bool_contents", c => c.BoolContents.AddRange(Enumerable.Repeat(true, 8))),
            ("int_contents", c => c.IntContents.AddRange(Enumerable.Range(0, 8))),
            ("int64_contents", c => c.Int64Contents.AddRange(Enumerable.Range(0, 8).Select(i => (long)i))),
            ("uint_contents", c => c.UintContents.AddRange(Enumerable.Range(0, 8).Select(i => (uint)i))),
            ("uint64_contents", c => c.Uint64Contents.AddRange(Enumerable.Range(0, 8).Select(i => (ulong)i))),
            ("fp64_contents", c => c.Fp64Contents.AddRange(Enumerable.Range(0, 8).Select(i => (double)i))),
            ("bytes_contents", c => c.BytesContents.AddRange(Enumerable.Range(0, 8).Select(i => ByteString.CopyFromUtf8(i.ToString(System.Globalization.CultureInfo.InvariantCulture))))),
        ];
        foreach (var (field, fill) in fields)
        {
            yield return new($"typed values only in {field}", () =>
            {
                var request = Typed([1, 8], 0);
                fill(request.Inputs[0].Contents);
                return request;
            }, StatusCode.InvalidArgument, $"contents.{field} has values");
            yield return new($"typed values in fp32_contents and {field}", () =>
            {
                var request = Typed([1, 8], 8);
                fill(request.Inputs[0].Contents);
                return request;
            }, StatusCode.InvalidArgument, $"contents.{field} has values");
            yield return new($"raw and typed {field} at once", () =>
            {
                var request = Raw([1, 8], 32);
                request.Inputs[0].Contents = new InferTensorContents();
                fill(request.Inputs[0].Contents);
                return request;
            }, StatusCode.InvalidArgument, "one way only");
        }

        yield return new("raw and typed fp32_contents at once", () =>
        {
            var request = Raw([1, 8], 32);
            request.Inputs[0].Contents = new InferTensorContents();
            request.Inputs[0].Contents.Fp32Contents.AddRange(new float[8]);
            return request;
        }, StatusCode.InvalidArgument, "one way only");

        // raw_input_contents that does not match the inputs.
        foreach (var extra in new[] { 1, 2, 5 })
        {
            yield return new($"raw with {extra} entries too many", () =>
            {
                var request = Raw([1, 8], 32);
                for (var i = 0; i < extra; i++)
                {
                    request.RawInputContents.Add(ByteString.CopyFrom(new byte[32]));
                }

                return request;
            }, StatusCode.InvalidArgument, "one entry per input");
        }

        yield return new("raw with fewer entries than inputs", () =>
        {
            var request = Raw([1, 8], 32);
            request.Inputs.Add(request.Inputs[0].Clone());
            return request;
        }, StatusCode.InvalidArgument, "one entry per input");

        yield return new("raw entries without inputs", () =>
        {
            var request = new ModelInferRequest { ModelName = Model };
            request.RawInputContents.Add(ByteString.CopyFrom(new byte[32]));
            return request;
        }, StatusCode.InvalidArgument, "no inputs");

        // Inputs: unknown, missing, repeated.
        foreach (var name in new[] { "feature", "Features", "features ", " features", "", "x", "featuresfeatures", "fea\u0000tures", "f\u00e9atures", new string('f', 300) })
        {
            var shown = name.Length > 20 ? name[..20] + "…" : name;
            yield return new($"typed unknown input \"{shown}\"", () => Typed([1, 8], 8, name: name), StatusCode.InvalidArgument, "unknown input");
            yield return new($"raw unknown input \"{shown}\"", () => Raw([1, 8], 32, name: name), StatusCode.InvalidArgument, "unknown input");
        }

        yield return new("no inputs", () => new ModelInferRequest { ModelName = Model }, StatusCode.InvalidArgument, "no inputs");
        yield return new("typed input given twice", () =>
        {
            var request = Typed([1, 8], 8);
            request.Inputs.Add(request.Inputs[0].Clone());
            return request;
        }, StatusCode.InvalidArgument, "given twice");
        yield return new("raw input given twice", () =>
        {
            var request = Raw([1, 8], 32);
            request.Inputs.Add(request.Inputs[0].Clone());
            request.RawInputContents.Add(request.RawInputContents[0]);
            return request;
        }, StatusCode.InvalidArgument, "given twice");

        // Requested outputs.
        foreach (var output in new[] { "score", "", "Churn_probability", "churn_probability ", "features" })
        {
            yield return new($"unknown output \"{output}\"", () =>
            {
                var request = Good();
                request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = output });
                return request;
            }, StatusCode.InvalidArgument, "unknown output");
        }

        yield return new("output requested twice", () =>
        {
            var request = Good();
            request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "churn_probability" });
            request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "churn_probability" });
            return request;
        }, StatusCode.InvalidArgument, "requested twice");

        // Models and versions this server does not serve.
        foreach (var model in new[] { "iris", "Churn", "churn ", "", "wide", new string('m', 300) })
        {
            var shown = model.Length > 20 ? model[..20] + "…" : model;
            yield return new($"unknown model \"{shown}\"", () =>
            {
                var request = Good();
                request.ModelName = model;
                return request;
            }, StatusCode.NotFound, "unknown model");
        }

        foreach (var version in new[] { "2", "0", "01", "v1", " 1", "1.0", "latest" })
        {
            yield return new($"unknown version \"{version}\"", () =>
            {
                var request = Good();
                request.ModelVersion = version;
                return request;
            }, StatusCode.NotFound, "unknown version");
        }

        // Huge messages: over the model's limit (the smaller of MAX_REQUEST_BODY_BYTES and ~1.1 MB derived from
        // churn's 8 inputs), and over MAX_REQUEST_BODY_BYTES itself, where gRPC refuses the message before reading it.
        foreach (var rows in new[] { 40_000, 60_000 })
        {
            yield return new($"typed {rows} rows over the model's limit", () => Typed([rows, 8], rows * 8), StatusCode.ResourceExhausted, "larger than");
            yield return new($"raw {rows} rows over the model's limit", () => Raw([rows, 8], rows * 32), StatusCode.ResourceExhausted, "larger than");
        }

        foreach (var mebibytes in new[] { 3, 8 })
        {
            var rows = (mebibytes << 20) / 32;
            yield return new($"raw {mebibytes} MiB over MAX_REQUEST_BODY_BYTES", () => Raw([rows, 8], rows * 32), StatusCode.ResourceExhausted, null);
        }
    }

    /// <summary>The data of a good case as raw bytes, for the raw form of the good call.</summary>
    public static ByteString RawOf(float[] values) => ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
}
