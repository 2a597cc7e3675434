using System.Globalization;

namespace ModelOperator.Kubectl.Rendering;

/// <summary>
/// Short human durations in the spirit of kubectl's AGE column: seconds up to 2 minutes, minutes and seconds up to
/// 10 minutes, minutes up to 3 hours, hours and minutes up to 8 hours, hours up to 2 days, then days.
/// Examples: 45s, 3m12s, 42m, 5h7m, 30h, 3d.
/// </summary>
internal static class Age
{
    public static string Format(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = span.Negate();
        }

        var seconds = (long)span.TotalSeconds;
        return seconds switch
        {
            < 120 => Invariant($"{seconds}s"),
            < 600 => seconds % 60 == 0 ? Invariant($"{seconds / 60}m") : Invariant($"{seconds / 60}m{seconds % 60}s"),
            < 3 * 3600 => Invariant($"{seconds / 60}m"),
            < 8 * 3600 => (seconds / 60) % 60 == 0 ? Invariant($"{seconds / 3600}h") : Invariant($"{seconds / 3600}h{(seconds / 60) % 60}m"),
            < 48 * 3600 => Invariant($"{seconds / 3600}h"),
            _ => Invariant($"{seconds / 86400}d"),
        };
    }

    /// <summary><c>3m12s ago</c> for a past time, <c>in 3m12s</c> for a future one.</summary>
    public static string Relative(DateTimeOffset time, DateTimeOffset now) =>
        time <= now ? $"{Format(now - time)} ago" : $"in {Format(time - now)}";

    /// <summary>An RFC 3339 UTC timestamp, as kubectl prints times: <c>2026-11-23T08:15:03Z</c>.</summary>
    public static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
