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
    private static readonly JsonEncodedText ParametersProperty = JsonEncodedText.Encode("parameters");
    private static readonly JsonEncodedText BinaryDataSizeProperty = JsonEncodedText.Encode("binary_data_size");
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
        WriteHead(writer, name, datatype, shape);
        writer.WriteStartArray(DataProperty);
        TensorElements.WriteJson(writer, datatype, data);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>
    /// Writes one output tensor of the binary data extension: its description with
    /// <c>parameters.binary_data_size</c> and no data; the caller appends its bytes after the JSON.
    /// </summary>
    public static void WriteBinaryOutput(Utf8JsonWriter writer, JsonEncodedText name, DataType datatype, ReadOnlySpan<long> shape, int binaryDataSize)
    {
        WriteHead(writer, name, datatype, shape);
        writer.WriteStartObject(ParametersProperty);
        writer.WriteNumber(BinaryDataSizeProperty, binaryDataSize);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>Closes the outputs array and the response object.</summary>
    public static void WriteEnd(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteHead(Utf8JsonWriter writer, JsonEncodedText name, DataType datatype, ReadOnlySpan<long> shape)
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
    }
}
