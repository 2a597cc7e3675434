using ModelOperator.Runtime.Protocol;

namespace ModelOperator.Runtime.Protocol.Tests;

public sealed class UriRedactionTests
{
    [Theory]
    [InlineData("https://user:token@models.example.com/churn/1/model.onnx?X-Amz-Signature=abc", "https://***@models.example.com/churn/1/model.onnx?***")]
    [InlineData("https://models.example.com:8443/m.onnx?sig=1#frag", "https://models.example.com:8443/m.onnx?***")]
    [InlineData("https://models.example.com/m.onnx#token=x", "https://models.example.com/m.onnx?***")]
    [InlineData("https://token@host", "https://***@host")]
    [InlineData("https://a:b@c@host/x", "https://***@host/x")]
    [InlineData("http://host?token=1", "http://host?***")]
    [InlineData("s3://bucket/churn/1/model.onnx", "s3://bucket/churn/1/model.onnx")]
    [InlineData("s3://AKIA:secret@bucket/key", "s3://***@bucket/key")]
    [InlineData("file:///models/m.onnx", "file:///models/m.onnx")]
    [InlineData("/models/churn/1/model.onnx", "/models/churn/1/model.onnx")]
    [InlineData("/models/m@2.onnx", "/models/m@2.onnx")]
    [InlineData("user:pass@host/m.onnx", "***@host/m.onnx")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void Credentials_and_queries_are_cut_and_the_rest_is_kept(string? uri, string expected) =>
        Assert.Equal(expected, UriRedaction.Redact(uri));
}
