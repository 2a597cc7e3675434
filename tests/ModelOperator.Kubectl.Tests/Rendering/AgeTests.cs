using ModelOperator.Kubectl.Rendering;

namespace ModelOperator.Kubectl.Tests.Rendering;

public sealed class AgeTests
{
    [Theory]
    [InlineData(0, "0s")]
    [InlineData(45, "45s")]
    [InlineData(119, "119s")]
    [InlineData(120, "2m")]
    [InlineData(192, "3m12s")]
    [InlineData(599, "9m59s")]
    [InlineData(600, "10m")]
    [InlineData(42 * 60 + 59, "42m")]
    [InlineData(3 * 3600, "3h")]
    [InlineData(5 * 3600 + 7 * 60 + 30, "5h7m")]
    [InlineData(30 * 3600, "30h")]
    [InlineData(3 * 86400 + 3600, "3d")]
    [InlineData(-45, "45s")]
    public void Formats_like_the_age_column(int seconds, string expected) =>
        Assert.Equal(expected, Age.Format(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Past_is_ago_and_future_is_in()
    {
        var now = new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

        Assert.Equal("3m ago", Age.Relative(now.AddMinutes(-3), now));
        Assert.Equal("in 4m", Age.Relative(now.AddMinutes(4), now));
        Assert.Equal("2026-11-23T09:00:00Z", Age.Timestamp(now.ToOffset(TimeSpan.FromHours(1)).AddHours(1)));
    }
}
