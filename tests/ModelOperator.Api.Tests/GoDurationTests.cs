using ModelOperator.Contracts;

namespace ModelOperator.Api.Tests;

public sealed class GoDurationTests
{
    public static TheoryData<string, long> Valid => new()
    {
        { "0", 0 },
        { "0s", 0 },
        { "30s", 30 * TimeSpan.TicksPerSecond },
        { "5m", 5 * TimeSpan.TicksPerMinute },
        { "1h", TimeSpan.TicksPerHour },
        { "1h30m", 90 * TimeSpan.TicksPerMinute },
        { "500ms", 500 * TimeSpan.TicksPerMillisecond },
        { "1.5s", 15 * TimeSpan.TicksPerSecond / 10 },
        { "250us", 2500 },
        { "250µs", 2500 },
        { "150ns", 1 },
        { "1m0.5s", TimeSpan.TicksPerMinute + (TimeSpan.TicksPerSecond / 2) },
        { "2h45m30s", (2 * TimeSpan.TicksPerHour) + (45 * TimeSpan.TicksPerMinute) + (30 * TimeSpan.TicksPerSecond) },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Go_durations_parse_to_the_same_length(string text, long ticks)
    {
        Assert.True(GoDuration.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromTicks(ticks), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("30")]
    [InlineData("-5s")]
    [InlineData("5 m")]
    [InlineData("1d")]
    [InlineData("s")]
    [InlineData(".5s")]
    [InlineData("1.s")]
    [InlineData("PT30S")]
    [InlineData("00:00:30")]
    [InlineData("99999999999999999999h")]
    public void Other_forms_are_not_durations(string? text)
    {
        Assert.False(GoDuration.TryParse(text, out var value));
        Assert.Equal(TimeSpan.Zero, value);
    }

    [Fact]
    public void Parse_names_the_allowed_form()
    {
        var error = Assert.Throws<FormatException>(() => GoDuration.Parse("5 minutes"));
        Assert.Contains("\"5 minutes\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("30s, 5m", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(5000L, "500us")]
    [InlineData(5_000_000L, "500ms")]
    [InlineData(300_000_000L, "30s")]
    [InlineData(15_000_000L, "1.5s")]
    [InlineData(54_000_000_000L, "1h30m")]
    [InlineData(37_230_000_000L, "1h2m3s")]
    [InlineData(864_000_000_000L, "24h")]
    public void Format_writes_a_value_that_parses_back(long ticks, string expected)
    {
        var text = GoDuration.Format(TimeSpan.FromTicks(ticks));

        Assert.Equal(expected, text);
        Assert.Equal(TimeSpan.FromTicks(ticks), GoDuration.Parse(text));
    }

    [Fact]
    public void A_missing_value_falls_back_to_the_default_constant()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), GoDuration.ParseOrDefault(null, ModelDeploymentDefaults.AnalysisInterval));
        Assert.Equal(TimeSpan.FromMinutes(2), GoDuration.ParseOrDefault("2m", ModelDeploymentDefaults.AnalysisInterval));
    }
}
