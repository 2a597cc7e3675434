using ModelOperator.Runtime.Server.Grpc;

namespace ModelOperator.Runtime.Server.Tests.Grpc;

public sealed class GrpcMessageTextTests
{
    [Theory]
    [InlineData("", "")]
    [InlineData("plain text stays as it is ~", "plain text stays as it is ~")]
    [InlineData("100%", "100%25")]
    [InlineData("modèle", "mod%C3%A8le")]
    [InlineData("line\nbreak\ttab", "line%0Abreak%09tab")]
    [InlineData("\u007f del", "%7F del")]
    [InlineData("emoji 🙂", "emoji %F0%9F%99%82")]
    public void A_message_is_percent_encoded_as_gRPC_defines_grpc_message(string message, string header) =>
        Assert.Equal(header, GrpcMessageText.Encode(message));

    [Fact]
    public void Encoding_round_trips_through_the_standard_percent_decoding()
    {
        const string message = "shape [1, 8] ≠ 7 values: 100% wrong\r\n";

        Assert.Equal(message, Uri.UnescapeDataString(GrpcMessageText.Encode(message)));
    }
}
