using System.Text.Json.Nodes;
using ModelOperator.Operator.Apply;

namespace ModelOperator.Operator.Tests.Apply;

public sealed class JsonSubsetTests
{
    [Theory]
    [InlineData("""{"spec":{"type":"ClusterIP","clusterIP":"10.0.0.1"}}""", """{"spec":{"type":"ClusterIP"}}""", true)] // fields others add do not count
    [InlineData("""{"spec":{"type":"NodePort"}}""", """{"spec":{"type":"ClusterIP"}}""", false)]
    [InlineData("""{"a":[1,2]}""", """{"a":[1]}""", false)] // a removed element is a change
    [InlineData("""{"metadata":{"labels":{"a":"1","b":"2"}}}""", """{"metadata":{"labels":{"a":"1"}}}""", true)] // labels others add stay
    // A Service narrowed to one revision while both should be selected: not up to date.
    [InlineData("""{"spec":{"selector":{"md":"churn","revision":"churn-1"}}}""", """{"spec":{"selector":{"md":"churn"}}}""", false)]
    [InlineData("""{"spec":{"selector":{"md":"churn"}}}""", """{"spec":{"selector":{"md":"churn"}}}""", true)]
    [InlineData("""{"spec":{"selector":{"matchLabels":{"md":"churn","x":"y"}}}}""", """{"spec":{"selector":{"matchLabels":{"md":"churn"}}}}""", false)]
    [InlineData("""{"spec":{"selector":{"matchLabels":{"md":"churn"},"matchExpressions":[]}}}""", """{"spec":{"selector":{"matchLabels":{"md":"churn"}}}}""", true)]
    // Quantities are compared by value: the server stores them canonically (0.5 -> 500m, 1024Mi -> 1Gi, 1000m -> 1).
    [InlineData("""{"resources":{"requests":{"cpu":"500m","memory":"1Gi"}}}""", """{"resources":{"requests":{"cpu":"0.5","memory":"1024Mi"}}}""", true)]
    [InlineData("""{"resources":{"limits":{"cpu":"1"}}}""", """{"resources":{"limits":{"cpu":"1000m"}}}""", true)]
    [InlineData("""{"resources":{"limits":{"cpu":"1m"}}}""", """{"resources":{"limits":{"cpu":"1n"}}}""", true)] // requests and limits round up to milli
    [InlineData("""{"resources":{"limits":{"cpu":"2"}}}""", """{"resources":{"limits":{"cpu":"1000m"}}}""", false)]
    [InlineData("""{"emptyDir":{"sizeLimit":"1Mi"}}""", """{"emptyDir":{"sizeLimit":"1024Ki"}}""", true)]
    [InlineData("""{"target":{"type":"AverageValue","averageValue":"500m"}}""", """{"target":{"type":"AverageValue","averageValue":"0.5"}}""", true)]
    [InlineData("""{"env":[{"name":"A","value":"0.5"}]}""", """{"env":[{"name":"A","value":"500m"}]}""", false)] // only quantity fields
    // What the server's round trip drops (empty lists and maps) equals absent.
    [InlineData("""{"spec":{"containers":[{"name":"c"}]}}""", """{"spec":{"containers":[{"name":"c","env":[]}]}}""", true)]
    [InlineData("""{"metadata":{"name":"a"}}""", """{"metadata":{"name":"a","annotations":{}}}""", true)]
    [InlineData("""{"spec":{}}""", """{"spec":{"selector":{}}}""", true)]
    [InlineData("""{"spec":{"containers":[{"name":"c"}]}}""", """{"spec":{"containers":[{"name":"c","env":[{"name":"A"}]}]}}""", false)]
    public void Observed_holds_desired(string observed, string desired, bool expected)
    {
        Assert.Equal(expected, JsonSubset.Contains(JsonNode.Parse(observed), JsonNode.Parse(desired)));
    }
}
