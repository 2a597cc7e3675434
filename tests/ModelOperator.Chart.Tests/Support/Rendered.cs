using System.Text.Json.Nodes;

namespace ModelOperator.Chart.Tests.Support;

/// <summary>A rendered manifest stream parsed with YamlDotNet (an independent reader) into JSON objects.</summary>
internal sealed class Rendered(string yaml)
{
    public string Yaml { get; } = yaml;

    public IReadOnlyList<JsonObject> Objects { get; } = YamlToJson.ReadAll(yaml).Where(n => n is not null).Select(n => n!.AsObject()).ToList();

    public IEnumerable<JsonObject> OfKind(string kind) => Objects.Where(o => Kind(o) == kind);

    public JsonObject Single(string kind) => Assert.Single(OfKind(kind));

    public static string Kind(JsonObject o) => o["kind"]!.GetValue<string>();

    public static string Name(JsonObject o) => o["metadata"]!["name"]!.GetValue<string>();

    public static string? Namespace(JsonObject o) => o["metadata"]?["namespace"]?.GetValue<string>();
}
