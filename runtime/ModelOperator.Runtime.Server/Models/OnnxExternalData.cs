using System.Text;

namespace ModelOperator.Runtime.Server.Models;

/// <summary>
/// Finds tensors an ONNX model keeps outside its own file (<c>TensorProto.data_location =
/// EXTERNAL</c>, with the file named by its <c>external_data</c> entry "location"). ONNX Runtime
/// would open such files beside the model, unverified by the model's sha256, so the server
/// refuses those models. Reads the protobuf wire format directly and only along the paths where
/// tensors live: the graph's initializers and sparse initializers, tensor- and graph-valued node
/// attributes (so If/Loop subgraphs too), and the nodes of model-local functions.
/// </summary>
internal static class OnnxExternalData
{
    private const int External = 1; // TensorProto.DataLocation.EXTERNAL

    /// <summary>The first external data file the model refers to; null when every tensor is inside the file.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a well-formed protobuf message.</exception>
    public static string? FindExternalFile(ReadOnlySpan<byte> model)
    {
        string? found = null;
        Walk(model, 0, (field, value, depth) =>
            field switch
            {
                7 => ScanGraph(value, depth), // ModelProto.graph
                25 => ScanFunction(value, depth), // ModelProto.functions
                _ => null,
            }, ref found);
        return found;
    }

    private delegate string? FieldVisitor(int field, ReadOnlySpan<byte> value, int depth);

    private static string? ScanGraph(ReadOnlySpan<byte> graph, int depth)
    {
        string? found = null;
        Walk(graph, depth + 1, (field, value, d) => field switch
        {
            1 => ScanNode(value, d), // node
            5 => ScanTensor(value, d), // initializer
            15 => ScanSparse(value, d), // sparse_initializer
            _ => null,
        }, ref found);
        return found;
    }

    private static string? ScanFunction(ReadOnlySpan<byte> function, int depth)
    {
        string? found = null;
        Walk(function, depth + 1, (field, value, d) => field == 7 ? ScanNode(value, d) : null, ref found);
        return found;
    }

    private static string? ScanNode(ReadOnlySpan<byte> node, int depth)
    {
        string? found = null;
        Walk(node, depth + 1, (field, value, d) => field == 5 ? ScanAttribute(value, d) : null, ref found);
        return found;
    }

    private static string? ScanAttribute(ReadOnlySpan<byte> attribute, int depth)
    {
        string? found = null;
        Walk(attribute, depth + 1, (field, value, d) => field switch
        {
            5 or 10 => ScanTensor(value, d), // t, tensors
            6 or 11 => ScanGraph(value, d), // g, graphs
            22 or 23 => ScanSparse(value, d), // sparse_tensor, sparse_tensors
            _ => null,
        }, ref found);
        return found;
    }

    private static string? ScanSparse(ReadOnlySpan<byte> sparse, int depth)
    {
        string? found = null;
        Walk(sparse, depth + 1, (field, value, d) => field is 1 or 2 ? ScanTensor(value, d) : null, ref found);
        return found;
    }

    private static string? ScanTensor(ReadOnlySpan<byte> tensor, int depth)
    {
        var external = false;
        string? location = null;
        var reader = new WireReader(tensor);
        while (reader.Next(out var field, out var wireType, out var varint, out var value))
        {
            if (field == 14 && wireType == 0 && varint == External)
            {
                external = true;
            }
            else if (field == 13 && wireType == 2)
            {
                // StringStringEntryProto { key = 1; value = 2; }
                string? key = null;
                string? text = null;
                var entry = new WireReader(value);
                while (entry.Next(out var f, out var w, out _, out var v))
                {
                    if (w == 2 && f == 1)
                    {
                        key = Encoding.UTF8.GetString(v);
                    }
                    else if (w == 2 && f == 2)
                    {
                        text = Encoding.UTF8.GetString(v);
                    }
                }

                if (key == "location")
                {
                    location = text;
                }
            }
        }

        return external || location is not null ? location ?? "(unnamed)" : null;
    }

    // Calls visit for every length-delimited field; stops at the first non-null answer.
    private static void Walk(ReadOnlySpan<byte> message, int depth, FieldVisitor visit, ref string? found)
    {
        if (depth > 64)
        {
            throw new InvalidDataException("the model nests graphs more than 64 deep");
        }

        var reader = new WireReader(message);
        while (found is null && reader.Next(out var field, out var wireType, out _, out var value))
        {
            if (wireType == 2)
            {
                found = visit(field, value, depth);
            }
        }
    }

    private ref struct WireReader(ReadOnlySpan<byte> data)
    {
        private ReadOnlySpan<byte> _data = data;

        public bool Next(out int field, out int wireType, out ulong varint, out ReadOnlySpan<byte> value)
        {
            varint = 0;
            value = default;
            field = 0;
            wireType = 0;
            if (_data.IsEmpty)
            {
                return false;
            }

            var tag = ReadVarint();
            field = (int)(tag >> 3);
            wireType = (int)(tag & 7);
            switch (wireType)
            {
                case 0:
                    varint = ReadVarint();
                    break;
                case 1:
                    Take(8);
                    break;
                case 2:
                    var length = ReadVarint();
                    if (length > (ulong)_data.Length)
                    {
                        throw new InvalidDataException("a protobuf field runs past the end of the model");
                    }

                    value = Take((int)length);
                    break;
                case 5:
                    Take(4);
                    break;
                default:
                    throw new InvalidDataException($"protobuf wire type {wireType} is not used by ONNX models");
            }

            return true;
        }

        private ulong ReadVarint()
        {
            ulong result = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                if (_data.IsEmpty)
                {
                    throw new InvalidDataException("a protobuf varint runs past the end of the model");
                }

                var b = _data[0];
                _data = _data[1..];
                result |= (ulong)(b & 0x7f) << shift;
                if (b < 0x80)
                {
                    return result;
                }
            }

            throw new InvalidDataException("a protobuf varint is longer than 10 bytes");
        }

        private ReadOnlySpan<byte> Take(int count)
        {
            if (count > _data.Length)
            {
                throw new InvalidDataException("a protobuf field runs past the end of the model");
            }

            var taken = _data[..count];
            _data = _data[count..];
            return taken;
        }
    }
}
