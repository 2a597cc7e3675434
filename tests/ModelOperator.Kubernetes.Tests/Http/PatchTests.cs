using System.Text.Json.Nodes;

namespace ModelOperator.Kubernetes.Tests.Http;

public sealed class PatchTests
{
    [Fact]
    public void Json_patch_serializes_each_operation_with_only_its_fields()
    {
        var patch = Patch.Json(
            JsonPatchOperation.Test("/metadata/resourceVersion", "5"),
            JsonPatchOperation.Remove($"/metadata/labels/{JsonPatchOperation.EscapePointerToken("example.com/rollout")}"),
            new JsonPatchOperation("move", "/spec/b", From: "/spec/a"));

        Assert.Equal(PatchType.Json, patch.Type);
        Assert.Equal("application/json-patch+json", patch.ContentType);
        Assert.Equal(
            """[{"op":"test","path":"/metadata/resourceVersion","value":"5"},{"op":"remove","path":"/metadata/labels/example.com~1rollout"},{"op":"move","path":"/spec/b","from":"/spec/a"}]""",
            patch.Body);
    }

    [Fact]
    public void Merge_patch_keeps_explicit_nulls_that_delete_fields()
    {
        var patch = Patch.Merge(new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { ["a"] = null } } });

        Assert.Equal("""{"metadata":{"annotations":{"a":null}}}""", patch.Body);
        Assert.Equal("application/merge-patch+json", patch.ContentType);
    }

    [Theory]
    [InlineData("upsert", "/a", "not one of add, remove, replace, move, copy, test")]
    [InlineData("add", "a", "must be a JSON pointer")]
    [InlineData("copy", "/a", "needs 'from'")]
    public void Invalid_operations_are_rejected_with_the_rule(string op, string path, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => Patch.Json(new JsonPatchOperation(op, path)));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_json_patch_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => Patch.Json());
    }

    [Fact]
    public void Pointer_tokens_escape_tilde_before_slash()
    {
        Assert.Equal("a~0b~1c", JsonPatchOperation.EscapePointerToken("a~b/c"));
    }
}
