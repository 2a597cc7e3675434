using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using ModelOperator.Runtime.Protocol;

namespace ModelOperator.Runtime.Protocol.Tests;

public sealed class InferenceResponseWriterTests
{
    [Fact]
    public void Writes_the_protocol_response_shape()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            var data = new byte[12];
            BinaryPrimitives.WriteSingleLittleEndian(data, 0.25f);
            BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4), float.NaN);
            BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(8), float.NegativeInfinity);
            InferenceResponseWriter.WriteStart(writer, JsonEncodedText.Encode("churn"), JsonEncodedText.Encode("1"), "r\"1"u8, hasId: true);
            InferenceResponseWriter.WriteOutput(writer, JsonEncodedText.Encode("p"), DataType.FP32, [3, 1], data);
            InferenceResponseWriter.WriteOutput(writer, JsonEncodedText.Encode("flags"), DataType.Bool, [2], [1, 0]);
            InferenceResponseWriter.WriteEnd(writer);
        }

        Assert.Equal(
            """{"model_name":"churn","model_version":"1","id":"r\u00221","outputs":[{"name":"p","datatype":"FP32","shape":[3,1],"data":[0.25,"NaN","-Infinity"]},{"name":"flags","datatype":"BOOL","shape":[2],"data":[true,false]}]}""",
            Encoding.UTF8.GetString(buffer.WrittenSpan));
    }
}
