using System.Text.Json.Serialization;

namespace ModelOperator.Sandbox.Proxy;

/// <summary>The proxy's own error answer: <c>{"error":"..."}</c>, as the inference server writes its errors.</summary>
public sealed record ProxyError(string Error);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ProxyError))]
internal sealed partial class ProxyJsonContext : JsonSerializerContext;
