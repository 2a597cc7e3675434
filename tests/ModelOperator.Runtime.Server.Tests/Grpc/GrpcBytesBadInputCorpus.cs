using System.Text;
using Google.Protobuf;
using Grpc.Core;
using ModelOperator.Runtime.Server.Grpc.Protocol;

namespace ModelOperator.Runtime.Server.Tests.Grpc;

/// <summary>
/// BYTES inputs that do not add up, for the strings example (colour BYTES [batch, 2], count INT64 [batch]): length
/// prefixes that run past the data, too few or too many elements, trailing bytes, bytes_contents counts that miss the
/// shape, BYTES values in another field and other fields' values for BYTES, raw and typed at once. Each is refused with
/// INVALID_ARGUMENT and the REST message for the same fault.
/// </summary>
internal static class GrpcBytesBadInputCorpus
{
    public const string Model = "strings";

    private static readonly string[] Colours = ["red", "blue", "purple", ""];

    /// <summary>The good call: colour [2, 2] and count [2], typed or raw.</summary>
    public static ModelInferRequest Good(bool raw) => raw ? Raw([2, 2], Prefixed(Colours)) : Typed([2, 2], Colours);

    /// <summary>A typed request: colour's elements in bytes_contents, count in int64_contents.</summary>
    public static ModelInferRequest Typed(long[] shape, IEnumerable<string> colours)
    {
        var colour = new ModelInferRequest.Types.InferInputTensor { Name = "colour", Datatype = "BYTES", Contents = new InferTensorContents() };
        colour.Shape.AddRange(shape);
        colour.Contents.BytesContents.AddRange(colours.Select(ByteString.CopyFromUtf8));
        var request = new ModelInferRequest { ModelName = Model };
        request.Inputs.Add(colour);
        request.Inputs.Add(Count(shape.Length == 0 ? 1 : shape[0], raw: false));
        return request;
    }

    /// <summary>A raw request: colour's bytes as given, count's as little-endian INT64.</summary>
    public static ModelInferRequest Raw(long[] shape, byte[] colourBytes)
    {
        var colour = new ModelInferRequest.Types.InferInputTensor { Name = "colour", Datatype = "BYTES" };
        colour.Shape.AddRange(shape);
        var rows = shape.Length == 0 ? 1 : shape[0];
        var request = new ModelInferRequest { ModelName = Model };
        request.Inputs.Add(colour);
        request.Inputs.Add(Count(rows, raw: true));
        request.RawInputContents.Add(ByteString.CopyFrom(colourBytes));
        request.RawInputContents.Add(ByteString.CopyFrom(new byte[rows * 8]));
        return request;
    }

    /// <summary>Elements as the raw form carries them: a 4-byte little-endian length and the UTF-8 bytes each.</summary>
    public static byte[] Prefixed(IEnumerable<string> elements) =>
        elements.SelectMany(e => BitConverter.GetBytes(Encoding.UTF8.GetByteCount(e)).Concat(Encoding.UTF8.GetBytes(e))).ToArray();

    private static ModelInferRequest.Types.InferInputTensor Count(long rows, bool raw)
    {
        var count = new ModelInferRequest.Types.InferInputTensor { Name = "count", Datatype = "INT64" };
        count.Shape.Add(rows);
        if (!raw)
        {
            count.Contents = new InferTensorContents();
            count.Contents.Int64Contents.AddRange(Enumerable.Range(0, (int)rows).Select(i => (long)i));
        }

        return count;
    }

    private static byte[] Prefix(uint length) => BitConverter.GetBytes(length);

    public static IEnumerable<GrpcBadCase> All()
    {
        var good = Prefixed(Colours);

        // Elements that are not there: fewer than the shape needs, or none at all.
        for (var missing = 1; missing <= 4; missing++)
        {
            var elements = Prefixed(Colours.Take(4 - missing));
            var m = missing;
            yield return new($"raw BYTES with {m} element(s) missing", () => Raw([2, 2], elements), StatusCode.InvalidArgument, "has no 4-byte length prefix");
            yield return new($"typed BYTES with {m} element(s) missing", () => Typed([2, 2], Colours.Take(4 - m)), StatusCode.InvalidArgument, $"has {4 - m} values in contents.bytes_contents");
        }

        // More elements, or bytes after the last one.
        foreach (var extra in new[] { 1, 2, 3, 4, 5 })
        {
            var e = extra;
            yield return new($"raw BYTES with {e} trailing byte(s)", () => Raw([2, 2], [.. good, .. new byte[e]]), StatusCode.InvalidArgument, $"holds {e} byte(s) more than its 4 length-prefixed BYTES elements");
            yield return new($"typed BYTES with {e} extra element(s)", () => Typed([2, 2], Colours.Concat(Enumerable.Repeat("red", e))), StatusCode.InvalidArgument, $"has {4 + e} values in contents.bytes_contents");
        }

        // Length prefixes that run past the data, including ones that would be negative as a signed int.
        foreach (var length in new uint[] { 4, 100, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF })
        {
            var l = length;
            yield return new($"raw BYTES last prefix {l}", () => Raw([2, 2], [.. Prefixed(Colours.Take(3)), .. Prefix(l), 1, 2]), StatusCode.InvalidArgument, $"has a length prefix of {l} bytes but only 2 byte(s) follow it");
            yield return new($"raw BYTES first prefix {l}", () => Raw([2, 2], [.. Prefix(l), .. good]), StatusCode.InvalidArgument, "BYTES element");
        }

        // A prefix cut short, and raw data that is empty.
        foreach (var cut in new[] { 1, 2, 3 })
        {
            var c = cut;
            yield return new($"raw BYTES last prefix cut to {c} byte(s)", () => Raw([2, 2], [.. Prefixed(Colours.Take(3)), .. new byte[c]]), StatusCode.InvalidArgument, $"only {c} byte(s) are left");
        }

        yield return new("raw BYTES empty for [2,2]", () => Raw([2, 2], []), StatusCode.InvalidArgument, "BYTES element 0 has no 4-byte length prefix");

        // The shape: wrong rank, wrong fixed dimension, batch that disagrees with count's.
        foreach (var shape in new long[][] { [4], [2, 2, 1], [1, 4], [4, 1], [] })
        {
            var s = shape;
            var text = "[" + string.Join(",", s) + "]";
            yield return new($"typed BYTES shape {text}", () => Typed(s, Colours), StatusCode.InvalidArgument, "the model expects");
            yield return new($"raw BYTES shape {text}", () => Raw(s, good), StatusCode.InvalidArgument, "the model expects");
        }

        yield return new("typed BYTES batch that disagrees with count", () =>
        {
            var request = Typed([2, 2], Colours);
            request.Inputs[1] = Count(3, raw: false);
            return request;
        }, StatusCode.InvalidArgument, "batch");

        // Datatypes: BYTES where the model wants INT64, and others where it wants BYTES.
        foreach (var datatype in new[] { "FP32", "INT64", "UINT8", "STRING", "bytes", "" })
        {
            var d = datatype;
            yield return new($"colour as datatype \"{d}\"", () =>
            {
                var request = Typed([2, 2], Colours);
                request.Inputs[0].Datatype = d;
                return request;
            }, StatusCode.InvalidArgument, "datatype");
        }

        yield return new("count as BYTES", () =>
        {
            var request = Typed([2, 2], Colours);
            request.Inputs[1].Datatype = "BYTES";
            return request;
        }, StatusCode.InvalidArgument, "BYTES");

        // Values in the wrong field, and raw and typed at once.
        yield return new("typed BYTES values in int64_contents", () =>
        {
            var request = Typed([2, 2], []);
            request.Inputs[0].Contents.Int64Contents.AddRange([1, 2, 3, 4]);
            return request;
        }, StatusCode.InvalidArgument, "whose values go in contents.bytes_contents, but contents.int64_contents has values");
        yield return new("typed BYTES values in bytes_contents and fp32_contents", () =>
        {
            var request = Typed([2, 2], Colours);
            request.Inputs[0].Contents.Fp32Contents.AddRange([1, 2, 3, 4]);
            return request;
        }, StatusCode.InvalidArgument, "contents.fp32_contents has values");
        yield return new("typed count values in bytes_contents", () =>
        {
            var request = Typed([2, 2], Colours);
            request.Inputs[1].Contents = new InferTensorContents();
            request.Inputs[1].Contents.BytesContents.AddRange([ByteString.CopyFromUtf8("3"), ByteString.CopyFromUtf8("4")]);
            return request;
        }, StatusCode.InvalidArgument, "contents.bytes_contents has values");
        yield return new("raw and typed BYTES at once", () =>
        {
            var request = Raw([2, 2], good);
            request.Inputs[0].Contents = new InferTensorContents();
            request.Inputs[0].Contents.BytesContents.AddRange(Colours.Select(ByteString.CopyFromUtf8));
            return request;
        }, StatusCode.InvalidArgument, "one way only");
        yield return new("typed BYTES without contents", () =>
        {
            var request = Typed([2, 2], Colours);
            request.Inputs[0].Contents = null;
            return request;
        }, StatusCode.InvalidArgument, "0 values in contents.bytes_contents");
    }
}
