using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Errors;
using ModelOperator.ApiServer.Patch;
using ModelOperator.ApiServer.Selectors;
using ModelOperator.ApiServer.Tables;
using ModelOperator.ApiServer.Watch;

namespace ModelOperator.ApiServer.Tests.Unit;

/// <summary>Table tests of the pure pieces: selectors, ages, JSONPath, patches, history.</summary>
public sealed class PureFunctionTests
{
    [Theory]
    [InlineData(0, "0s")]
    [InlineData(119, "119s")]
    [InlineData(120, "2m")]
    [InlineData(125, "2m5s")]
    [InlineData(600, "10m")]
    [InlineData(3 * 3600, "3h")]
    [InlineData(3 * 3600 + 15 * 60, "3h15m")]
    [InlineData(9 * 3600, "9h")]
    [InlineData(3 * 86400 + 4 * 3600, "3d4h")]
    [InlineData(30 * 86400, "30d")]
    [InlineData(3 * 365 * 86400, "3y")]
    public void Ages_are_short_human_durations(int seconds, string expected) =>
        Assert.Equal(expected, HumanDuration.Format(TimeSpan.FromSeconds(seconds)));

    [Theory]
    [InlineData("a in (x", "parenthesised list")]
    [InlineData("a b c", "expected one of")]
    [InlineData("bad key!=x", "invalid label")]
    [InlineData(",", "empty requirement")]
    public void Malformed_label_selectors_say_what_is_wrong(string selector, string fragment)
    {
        var ex = Assert.Throws<ApiException>(() => LabelSelector.Parse(selector));
        Assert.Equal(400, ex.Code);
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(".spec.color", "red")]
    [InlineData(".spec.items[1].name", "b")]
    [InlineData(".spec.items[-1].name", "c")]
    [InlineData(".spec.items[*].name", "a,b,c")]
    [InlineData(".status.conditions[?(@.type==\"Ready\")].status", "True")]
    [InlineData(".status.conditions[?(@.type!=\"Ready\")].type", "Synced")]
    [InlineData("{.metadata.name}", "obj")]
    [InlineData(".spec.missing", "")]
    public void Json_paths_select_like_printer_columns_do(string path, string expected)
    {
        var obj = JsonNode.Parse("""
            {"metadata":{"name":"obj"},
             "spec":{"color":"red","items":[{"name":"a"},{"name":"b"},{"name":"c"}]},
             "status":{"conditions":[{"type":"Ready","status":"True"},{"type":"Synced","status":"False"}]}}
            """);

        var results = JsonPathExpression.Parse(path).Evaluate(obj);

        Assert.Equal(expected, string.Join(",", results.Select(r => r!.GetValue<string>())));
    }

    [Fact]
    public void Strategic_merge_merges_ports_by_container_port_and_service_ports_by_port()
    {
        var original = JsonNode.Parse("""
            {"spec":{"ports":[{"port":80,"name":"http"}],
                     "containers":[{"name":"a","ports":[{"containerPort":8080,"name":"web"}]}]}}
            """)!.AsObject();
        var patch = JsonNode.Parse("""
            {"spec":{"ports":[{"port":80,"targetPort":8080},{"port":443}],
                     "containers":[{"name":"a","ports":[{"containerPort":8080,"protocol":"TCP"},{"containerPort":9090}]}]}}
            """);

        var merged = StrategicMergePatch.Apply(original, patch, BuiltInListStrategies.Resolve);

        Assert.Equal("""[{"port":80,"name":"http","targetPort":8080},{"port":443}]""", merged["spec"]!["ports"]!.ToJsonString());
        Assert.Equal("""[{"containerPort":8080,"name":"web","protocol":"TCP"},{"containerPort":9090}]""", merged["spec"]!["containers"]![0]!["ports"]!.ToJsonString());
    }

    [Fact]
    public void Strategic_merge_handles_finalizer_sets_retain_keys_and_primitive_deletes()
    {
        var original = JsonNode.Parse("""
            {"metadata":{"finalizers":["a","b"]},"spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}}}}
            """)!.AsObject();
        var patch = JsonNode.Parse("""
            {"metadata":{"finalizers":["c"],"$deleteFromPrimitiveList/finalizers":["a"]},
             "spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}
            """);

        var merged = StrategicMergePatch.Apply(original, patch, BuiltInListStrategies.Resolve);

        Assert.Equal("""["b","c"]""", merged["metadata"]!["finalizers"]!.ToJsonString());
        Assert.Equal("""{"type":"Recreate"}""", merged["spec"]!["strategy"]!.ToJsonString());
    }

    [Fact]
    public void Json_merge_patch_follows_rfc_7386()
    {
        var result = JsonMergePatch.Apply(JsonNode.Parse("""{"a":"b","c":{"d":"e","f":"g"}}"""), JsonNode.Parse("""{"a":"z","c":{"f":null}}"""));

        Assert.Equal("""{"a":"z","c":{"d":"e"}}""", result!.ToJsonString());
    }

    [Fact]
    public void Json_patch_moves_copies_and_escapes_pointer_tokens()
    {
        var target = JsonNode.Parse("""{"metadata":{"annotations":{"a/b":"1"}},"list":[1,2]}""")!.AsObject();
        var patch = JsonNode.Parse("""
            [{"op":"copy","from":"/metadata/annotations/a~1b","path":"/copied"},
             {"op":"move","from":"/list/0","path":"/list/-"},
             {"op":"add","path":"/list/0","value":0}]
            """);

        var result = JsonPatch.Apply(target, patch);

        Assert.Equal("1", result["copied"]!.GetValue<string>());
        Assert.Equal("[0,2,1]", result["list"]!.ToJsonString());
        var ex = Assert.Throws<PatchException>(() => JsonPatch.Apply(target, JsonNode.Parse("""[{"op":"explode","path":"/x"}]""")));
        Assert.True(ex.Malformed);
    }

    [Fact]
    public void Yaml_apply_bodies_keep_quoted_strings_and_type_plain_scalars()
    {
        var node = YamlJson.Parse("a: 1\nb: \"1\"\nc: true\nd: 'yes'\ne: 1.5\nf: ~\ng: [x, 2]\n"u8.ToArray())!;

        Assert.Equal("""{"a":1,"b":"1","c":true,"d":"yes","e":1.5,"f":null,"g":["x",2]}""", node.ToJsonString());
    }

    [Fact]
    public void The_event_history_answers_gone_once_a_version_falls_out()
    {
        var history = new EventHistory(3);
        for (var rv = 1; rv <= 5; rv++)
        {
            history.Append(new WatchEvent(WatchEvent.Added, "configmaps", "default", new JsonObject(), null, rv));
        }

        Assert.False(history.TryGetSince(1, out _));
        Assert.True(history.TryGetSince(2, out var events));
        Assert.Equal([3L, 4L, 5L], events.Select(e => e.ResourceVersion));
        history.Compact(5);
        Assert.False(history.TryGetSince(4, out _));
        Assert.True(history.TryGetSince(5, out var none));
        Assert.Empty(none);
    }
}
