using ModelOperator.Kubernetes.Http;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Kubernetes.Tests.Http;

public sealed class WatchEventParserTests
{
    [Theory]
    [InlineData("ADDED", WatchEventType.Added)]
    [InlineData("MODIFIED", WatchEventType.Modified)]
    [InlineData("DELETED", WatchEventType.Deleted)]
    [InlineData("BOOKMARK", WatchEventType.Bookmark)]
    public void Object_events_carry_the_typed_object(string type, WatchEventType expected)
    {
        var e = WatchEventParser.Parse(
            """{"type":"TYPE","object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","resourceVersion":"17"}}}""".Replace("TYPE", type, StringComparison.Ordinal), Pod.JsonTypeInfo);

        Assert.Equal(expected, e.Type);
        Assert.Equal("17", e.ResourceVersion);
        Assert.Null(e.Status);
    }

    [Fact]
    public void Error_events_carry_the_status()
    {
        var e = WatchEventParser.Parse(
            """{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","code":410,"reason":"Expired","message":"too old resource version: 5 (9)"}}""",
            Pod.JsonTypeInfo);

        Assert.Equal(WatchEventType.Error, e.Type);
        Assert.Null(e.Object);
        Assert.Equal(410, e.Status!.Code);
        Assert.Equal("Expired", e.Status.Reason);
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("""{"object":{}}""", "no string 'type'")]
    [InlineData("""{"type":"ADDED"}""", "no 'object'")]
    [InlineData("""{"type":"RENAMED","object":{}}""", "Unknown watch event type 'RENAMED'")]
    [InlineData("""{"type":"ADDED","object":{"metadata":{"generation":"x"}}}""", "could not be read as Pod")]
    public void Malformed_lines_say_what_is_wrong(string line, string expected)
    {
        var e = Assert.Throws<KubernetesApiException>(() => WatchEventParser.Parse(line, Pod.JsonTypeInfo));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}
