using ModelOperator.Operator.Analysis.UserMetrics;

namespace ModelOperator.Operator.Tests.Analysis.UserMetrics;

public sealed class JsonNumberTests
{
    [Theory]
    [InlineData("{\"v\":0.5}", "v", 0.5, null)]
    [InlineData("{\"data\":{\"result\":[{\"value\":3}]}}", "data.result.0.value", 3, null)]
    [InlineData("[1,[2,42]]", "1.1", 42, null)]
    [InlineData("{\"v\":\"0.25\"}", "v", 0.25, null)]
    [InlineData("{\"v\":\"NaN\"}", "v", double.NaN, null)]
    [InlineData("{\"v\":null}", "v", double.NaN, null)]
    [InlineData("{\"v\":1}", "w", double.NaN, "the answer has nothing at w")]
    [InlineData("{\"v\":[1]}", "v.1", double.NaN, "the answer has nothing at v.1")]
    [InlineData("{\"v\":{\"0\":7}}", "v.0", 7, null)]
    [InlineData("{\"v\":\"high\"}", "v", double.NaN, "the answer has no number at v")]
    [InlineData("{\"v\":[1]}", "v", double.NaN, "the answer has no number at v")]
    [InlineData("token=secret", "v", double.NaN, "the answer is not JSON")]
    public void Reads_the_number_at_a_dotted_path_or_says_what_is_there_instead(string body, string path, double value, string? error)
    {
        var (read, problem) = JsonNumber.Read(body, path);

        Assert.Equal(error, problem);
        Assert.Equal(value, read);
    }
}
