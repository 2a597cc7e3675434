using System.Buffers.Binary;
using System.Text.Json;

namespace ModelOperator.Runtime.Protocol;

/// <summary>
/// Writes Open Inference Protocol v2 JSON responses. Property names are pre-encoded and the
/// element data is read straight from the runtime's output buffers, so writing allocates nothing.
/// </summary>
public static class InferenceResponseWriter
{
    private static readonly JsonEncodedText ModelNameProperty = JsonEncodedText.Encode("model_name");
    private static readonly JsonEncodedText ModelVersionProperty = JsonEncodedText.Encode("model_version");
    private static readonly JsonEncodedText IdProperty = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText OutputsProperty = JsonEncodedText.Encode("outputs");
    private static readonly JsonEncodedText NameProperty = JsonEncodedText.Encode("name");
    private static readonly JsonEncodedText DatatypeProperty = JsonEncodedText.Encode("datatype");
    private static readonly JsonEncodedText ShapeProperty = JsonEncodedText.Encode("shape");
    private static readonly JsonEncodedText DataProperty = JsonEncodedText.Encode("data");
    private static readonly JsonEncodedText[] DatatypeNames =
        Enum.GetValues<DataType>().Select(t => JsonEncodedText.Encode(DataTypes.Name(t))).ToArray();

    /// <summary>Starts the response object and its outputs array.</summary>
    public static void WriteStart(Utf8JsonWriter writer, JsonEncodedText modelName, JsonEncodedText modelVersion, ReadOnlySpan<byte> id, bool hasId)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString(ModelNameProperty, modelName);
        writer.WriteString(ModelVersionProperty, modelVersion);
        if (hasId)
        {
            writer.WriteString(IdProperty, id);
        }

        writer.WriteStartArray(OutputsProperty);
    }

    /// <summary>Writes one output tensor; <paramref name="data"/> holds little-endian elements of <paramref name="datatype"/>.</summary>
    public static void WriteOutput(Utf8JsonWriter writer, JsonEncodedText name, DataType datatype, ReadOnlySpan<long> shape, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString(NameProperty, name);
        writer.WriteString(DatatypeProperty, DatatypeNames[(int)datatype]);
        writer.WriteStartArray(ShapeProperty);
        foreach (var dim in shape)
        {
            writer.WriteNumberValue(dim);
        }

        writer.WriteEndArray();
        writer.WriteStartArray(DataProperty);
        WriteData(writer, datatype, data);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Closes the outputs array and the response object.</summary>
    public static void WriteEnd(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteData(Utf8JsonWriter writer, DataType datatype, ReadOnlySpan<byte> data)
    {
        switch (datatype)
        {
            case DataType.FP32:
                for (var i = 0; i + 4 <= data.Length; i += 4)
                {
                    WriteFloat(writer, BinaryPrimitives.ReadSingleLittleEndian(data[i..]));
                }

                break;
            case DataType.FP64:
                for (var i = 0; i + 8 <= data.Length; i += 8)
                {
                    WriteDouble(writer, BinaryPrimitives.ReadDoubleLittleEndian(data[i..]));
                }

                break;
            case DataType.Int32:
                for (var i = 0; i + 4 <= data.Length; i += 4)
                {
                    writer.WriteNumberValue(BinaryPrimitives.ReadInt32LittleEndian(data[i..]));
                }

                break;
            case DataType.Int64:
                for (var i = 0; i + 8 <= data.Length; i += 8)
                {
                    writer.WriteNumberValue(BinaryPrimitives.ReadInt64LittleEndian(data[i..]));
                }

                break;
            case DataType.UInt8:
                foreach (var b in data)
                {
                    writer.WriteNumberValue(b);
                }

                break;
            case DataType.Bool:
                foreach (var b in data)
                {
                    writer.WriteBooleanValue(b != 0);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(datatype), datatype, null);
        }
    }

    // Non-finite values have no JSON literal; they go out as the same strings the parser accepts.
    private static void WriteFloat(Utf8JsonWriter writer, float value)
    {
        if (float.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteStringValue(float.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
        }
    }

    private static void WriteDouble(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteStringValue(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
        }
    }
}
