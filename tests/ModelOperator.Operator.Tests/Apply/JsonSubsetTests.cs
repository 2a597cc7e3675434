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
    public void Observed_holds_desired(string observed, string desired, bool expected)
    {
        Assert.Equal(expected, JsonSubset.Contains(JsonNode.Parse(observed), JsonNode.Parse(desired)));
    }
}
