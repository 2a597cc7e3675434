using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using ModelOperator.Kubernetes.Configuration;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Kubernetes.Tests.Http;

namespace ModelOperator.Kubernetes.Tests.Models;

/// <summary>A kind declared outside the client project (as ModelDeployment will be) works through the same client.</summary>
public sealed class CustomKindTests
{
    [Fact]
    public async Task A_kind_with_its_own_json_context_is_served_at_its_declared_path()
    {
        var handler = new StubHandler().Respond(HttpStatusCode.OK,
            """{"apiVersion":"example.com/v1alpha1","kind":"Widget","metadata":{"name":"w","namespace":"ns"},"spec":{"size":3,"colour":"red"}}""");
        using var client = new KubernetesClient(new KubernetesConfiguration { Server = new Uri("http://api.test") }, null, handler);

        var widget = await client.Resource<Widget>().GetAsync(new ObjectKey("ns", "w"));

        Assert.Equal("/apis/example.com/v1alpha1/namespaces/ns/widgets/w", handler.Requests.Single().PathAndQuery);
        Assert.Equal(3, widget.Spec!.Size);
        Assert.Equal("red", widget.Spec.ExtensionData!["colour"].GetString());
        Assert.Null(handler.Requests.Single().Authorization);
    }
}

public sealed record Widget : IKubernetesObject<Widget>
{
    public static ResourceDescriptor Resource { get; } = new("example.com", "v1alpha1", "widgets", "Widget", Namespaced: true);

    public static JsonTypeInfo<Widget> JsonTypeInfo => WidgetJsonContext.Default.Widget;

    public static JsonTypeInfo<ObjectList<Widget>> ListJsonTypeInfo => WidgetJsonContext.Default.ObjectListWidget;

    public string ApiVersion { get; init; } = "example.com/v1alpha1";

    public string Kind { get; init; } = "Widget";

    public ObjectMeta Metadata { get; init; } = new();

    public WidgetSpec? Spec { get; init; }

    public Widget WithMetadata(ObjectMeta metadata) => this with { Metadata = metadata };
}

public sealed record WidgetSpec
{
    public int Size { get; init; }

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? ExtensionData { get; set; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(KubernetesTimeJsonConverter)])]
[JsonSerializable(typeof(Widget))]
[JsonSerializable(typeof(ObjectList<Widget>))]
internal sealed partial class WidgetJsonContext : JsonSerializerContext
{
}
