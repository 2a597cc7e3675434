using System.Text.Json.Nodes;
using ModelOperator.Api.Schema;

namespace ModelOperator.Api.Tests.Schema;

public sealed class YamlWriterTests
{
    [Theory]
    [InlineData("plain words", true)]
    [InlineData("a.b/c-d_e", true)]
    [InlineData("^[a-z]$", true)]
    [InlineData("one, two (three)", true)]
    [InlineData("key: value", false)]
    [InlineData("ends with colon:", false)]
    [InlineData("a #comment", false)]
    [InlineData("- dash", false)]
    [InlineData("*alias", false)]
    [InlineData("!tag", false)]
    [InlineData("'quoted'", false)]
    [InlineData("\"quoted\"", false)]
    [InlineData("[list]", false)]
    [InlineData("{map}", false)]
    [InlineData("|block", false)]
    [InlineData(">folded", false)]
    [InlineData("%directive", false)]
    [InlineData("@reserved", false)]
    [InlineData("`reserved", false)]
    [InlineData("true", false)]
    [InlineData("No", false)]
    [InlineData("on", false)]
    [InlineData("y", false)]
    [InlineData("null", false)]
    [InlineData("~", false)]
    [InlineData("30s", false)]
    [InlineData("1:30", false)]
    [InlineData("1_000", false)]
    [InlineData(".5", false)]
    [InlineData("+1", false)]
    [InlineData(".inf", false)]
    [InlineData("", false)]
    [InlineData(" leading", false)]
    [InlineData("trailing ", false)]
    [InlineData("line\nbreak", false)]
    [InlineData("tab\there", false)]
    public void Strings_are_plain_only_when_no_reader_can_mistake_them(string value, bool plain)
    {
        Assert.Equal(plain, YamlWriter.CanBePlain(value));
    }

    public static TheoryData<string> Trees => new()
    {
        """{"a":"b","n":1,"f":0.25,"neg":-3,"t":true,"nil":null}""",
        """{"empty":{},"none":[],"nested":{"deeper":{"x":"y"}}}""",
        """{"list":["a","b",{"k":"v","k2":[1,2]},[["x"]],{}]}""",
        """{"tricky":["30s","true","1:30","a: b","#x","'q'","\"dq\"","back\\slash","line\nbreak","µs","", " pad "]}""",
        """{"key: with colon":1,"true":2,"- dash":3}""",
        """{"objects":[{"a":{"b":[{"c":"d"}]},"e":"f"},{"g":[]}]}""",
    };

    [Theory]
    [MemberData(nameof(Trees))]
    public void Yaml_reads_back_as_the_same_tree(string json)
    {
        var tree = JsonNode.Parse(json)!;

        var yaml = YamlWriter.Write(tree);

        var back = YamlToJson.Read(yaml);
        Assert.True(JsonNode.DeepEquals(tree, back), $"YAML:\n{yaml}\nread back: {back?.ToJsonString()}");
    }

    [Fact]
    public void Lists_sit_at_their_keys_indent_and_objects_in_lists_continue_the_dash_line()
    {
        var tree = JsonNode.Parse("""{"spec":{"items":[{"name":"a","tags":["x"]}],"m":{}}}""")!;

        Assert.Equal(
            "spec:\n  items:\n  - name: a\n    tags:\n    - x\n  m: {}\n",
            YamlWriter.Write(tree));
    }
}
