using System.Text;
using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Errors;

namespace ModelOperator.ApiServer.Http;

/// <summary>
/// Reads the protobuf SelfSubjectAccessReview that <c>kubectl auth can-i</c> sends (its typed client speaks protobuf) into
/// the JSON form: the <c>k8s\0</c> envelope (runtime.Unknown: typeMeta 1, raw 2), the review (spec 2), the spec
/// (resourceAttributes 1, nonResourceAttributes 2) and their string fields, numbered as in k8s.io/api's generated.proto.
/// Fields this server does not read (selectors, extra user info) are skipped.
/// </summary>
internal static class ReviewProtobuf
{
    private static readonly byte[] Magic = "k8s\0"u8.ToArray();

    private static readonly string[] ResourceAttributeNames = ["", "namespace", "verb", "group", "version", "resource", "subresource", "name"];

    private static readonly string[] NonResourceAttributeNames = ["", "path", "verb"];

    public static JsonObject Read(ReadOnlyMemory<byte> body)
    {
        if (body.Length < Magic.Length || !body.Span[..Magic.Length].SequenceEqual(Magic))
        {
            throw ApiException.BadRequest("the protobuf body does not start with the k8s envelope prefix");
        }

        var raw = Field(body[Magic.Length..], 2) ?? throw ApiException.BadRequest("the protobuf envelope carries no object");
        var spec = new JsonObject();
        if (Field(raw, 2) is { } specBytes)
        {
            if (Field(specBytes, 1) is { } resource)
            {
                spec["resourceAttributes"] = Strings(resource, ResourceAttributeNames);
            }

            if (Field(specBytes, 2) is { } nonResource)
            {
                spec["nonResourceAttributes"] = Strings(nonResource, NonResourceAttributeNames);
            }
        }

        return new JsonObject { ["metadata"] = new JsonObject(), ["spec"] = spec };
    }

    private static JsonObject Strings(ReadOnlyMemory<byte> message, string[] names)
    {
        var result = new JsonObject();
        foreach (var (number, value) in LengthDelimited(message))
        {
            if (number < names.Length && names[number].Length > 0)
            {
                result[names[number]] = Encoding.UTF8.GetString(value.Span);
            }
        }

        return result;
    }

    private static ReadOnlyMemory<byte>? Field(ReadOnlyMemory<byte> message, int wanted)
    {
        foreach (var (number, value) in LengthDelimited(message))
        {
            if (number == wanted)
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>The length-delimited fields of a message (strings, bytes, nested messages); varint and fixed fields are skipped.</summary>
    private static List<(int Number, ReadOnlyMemory<byte> Value)> LengthDelimited(ReadOnlyMemory<byte> message)
    {
        var fields = new List<(int, ReadOnlyMemory<byte>)>();
        var position = 0;
        while (position < message.Length)
        {
            var key = Varint(message.Span, ref position);
            var number = (int)(key >> 3);
            switch (key & 7)
            {
                case 0:
                    Varint(message.Span, ref position);
                    break;
                case 1:
                    position += 8;
                    break;
                case 2:
                    var length = (int)Varint(message.Span, ref position);
                    if (length < 0 || position + length > message.Length)
                    {
                        throw ApiException.BadRequest("the protobuf body is truncated");
                    }

                    fields.Add((number, message.Slice(position, length)));
                    position += length;
                    break;
                case 5:
                    position += 4;
                    break;
                default:
                    throw ApiException.BadRequest($"the protobuf body has a field of unsupported wire type {key & 7}");
            }
        }

        return fields;
    }

    private static ulong Varint(ReadOnlySpan<byte> span, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= span.Length)
            {
                throw ApiException.BadRequest("the protobuf body is truncated");
            }

            var b = span[position++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw ApiException.BadRequest("the protobuf body has a malformed varint");
    }
}
