using System.Text.Json;
using System.Text.Json.Serialization;

namespace ModelOperator.ControllerRuntime.Informers;

/// <summary>Reads every string, property values and dictionary keys alike, through a <see cref="StringPool"/>.</summary>
internal sealed class PooledStringConverter(StringPool pool) : JsonConverter<string>
{
    public override bool HandleNull => false;

    /// <summary>UTF-8 bytes of a string short enough to be pooled (<see cref="StringPool.MaxLength"/> characters take at most 3 bytes each).</summary>
    private const int MaxPooledBytes = StringPool.MaxLength * 3;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String ? Pooled(ref reader) : reader.GetString();

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Pooled(ref reader);

    public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WritePropertyName(value);

    /// <summary>
    /// Copies the characters to the stack and looks them up, so that a string already pooled (most of them: label keys,
    /// kinds, namespaces) costs no allocation.
    /// </summary>
    private string Pooled(ref Utf8JsonReader reader)
    {
        var length = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (length > MaxPooledBytes)
        {
            return reader.GetString()!;
        }

        Span<char> buffer = stackalloc char[MaxPooledBytes];
        return pool.Get(buffer[..reader.CopyString(buffer)]);
    }
}
