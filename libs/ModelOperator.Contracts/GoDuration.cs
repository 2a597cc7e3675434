using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ModelOperator.Contracts;

/// <summary>
/// Durations as Go and Kubernetes write them: a sequence of decimal numbers each with a unit
/// (<c>ns</c>, <c>us</c>/<c>µs</c>, <c>ms</c>, <c>s</c>, <c>m</c>, <c>h</c>), e.g. <c>30s</c>, <c>1h30m</c>, <c>1.5s</c>, <c>500ms</c>; or <c>0</c>.
/// Negative durations are not allowed in this API. Precision is a .NET tick (100 ns); finer parts are truncated.
/// </summary>
public static partial class GoDuration
{
    /// <summary>The schema pattern (RE2 and .NET agree on it).</summary>
    public const string Pattern = "^(0|([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+)$";

    /// <summary>What an allowed value looks like, for error messages.</summary>
    public const string Allowed = "a duration such as 500ms, 30s, 5m, 1h or 1h30m (units ns, us, ms, s, m, h)";

    /// <summary>Parses <paramref name="text"/>; false (and zero) when it is not a duration in Go form or overflows.</summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text) || !FullPattern().IsMatch(text))
        {
            return false;
        }

        if (text == "0")
        {
            return true;
        }

        decimal ticks = 0;
        foreach (Match part in PartPattern().Matches(text))
        {
            var number = decimal.Parse(part.Groups[1].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            var ticksPerUnit = part.Groups[2].Value switch
            {
                "ns" => 0.01m,
                "us" or "µs" => 10m,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                _ => TimeSpan.TicksPerHour,
            };
            if (number > (TimeSpan.MaxValue.Ticks - ticks) / ticksPerUnit)
            {
                return false;
            }

            ticks += number * ticksPerUnit;
            if (ticks > TimeSpan.MaxValue.Ticks)
            {
                return false;
            }
        }

        value = TimeSpan.FromTicks((long)decimal.Truncate(ticks));
        return true;
    }

    /// <summary>Parses <paramref name="text"/> or throws <see cref="FormatException"/> saying what is allowed.</summary>
    public static TimeSpan Parse(string text) =>
        TryParse(text, out var value) ? value : throw new FormatException($"\"{text}\" is not {Allowed}.");

    /// <summary>The value if <paramref name="text"/> parses, otherwise <paramref name="fallback"/> parsed (a default constant).</summary>
    public static TimeSpan ParseOrDefault(string? text, string fallback) =>
        TryParse(text, out var value) ? value : Parse(fallback);

    /// <summary>Formats like Go's <c>Duration.String()</c> without the sub-second noise: <c>1h30m0s</c> becomes <c>1h30m</c>, <c>0.5s</c> becomes <c>500ms</c>.</summary>
    public static string Format(TimeSpan value)
    {
        if (value < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "Durations in this API are never negative.");
        }

        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        if (value < TimeSpan.FromSeconds(1))
        {
            return value.Ticks % TimeSpan.TicksPerMillisecond == 0
                ? $"{value.Ticks / TimeSpan.TicksPerMillisecond}ms"
                : $"{(value.Ticks / 10m).ToString(CultureInfo.InvariantCulture)}us";
        }

        var text = new StringBuilder();
        var hours = (long)value.TotalHours;
        if (hours > 0)
        {
            text.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
        }

        if (value.Minutes > 0)
        {
            text.Append(value.Minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
        }

        var seconds = value.Ticks % TimeSpan.TicksPerMinute / (decimal)TimeSpan.TicksPerSecond;
        if (seconds > 0)
        {
            text.Append(seconds.ToString("0.#######", CultureInfo.InvariantCulture)).Append('s');
        }

        return text.ToString();
    }

    [GeneratedRegex(Pattern, RegexOptions.CultureInvariant)]
    private static partial Regex FullPattern();

    [GeneratedRegex("([0-9]+(?:\\.[0-9]+)?)(ns|us|µs|ms|s|m|h)", RegexOptions.CultureInvariant)]
    private static partial Regex PartPattern();
}
