namespace ModelOperator.Kubectl.Rendering;

/// <summary>
/// A one-line chart of a series in block characters (▁▂▃▄▅▆▇█), each character the highest value of its share of the
/// points, scaled from 0 to <c>max(series, ceiling)</c> so that a threshold passed as the ceiling sits at the top
/// third (a quiet series stays low). A gap (no point) is a space. Example: [0.1, 0.2, NaN, 0.4] at width 4, ceiling 0.4
/// → "▃▅ █".
/// </summary>
internal static class Sparkline
{
    private const string Levels = "▁▂▃▄▅▆▇█";

    public static string Render(IReadOnlyList<double> points, int width, double ceiling)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count == 0 || width <= 0)
        {
            return string.Empty;
        }

        width = Math.Min(width, points.Count);
        var top = points.Where(double.IsFinite).DefaultIfEmpty(0).Max();
        top = Math.Max(top, double.IsFinite(ceiling) ? ceiling : 0);
        var chars = new char[width];
        for (var c = 0; c < width; c++)
        {
            var from = c * points.Count / width;
            var to = Math.Max(from + 1, (c + 1) * points.Count / width);
            var value = points.Skip(from).Take(to - from).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max();
            chars[c] = double.IsNaN(value) ? ' '
                : top <= 0 ? Levels[0]
                : Levels[Math.Clamp((int)Math.Round(Math.Max(0, value) / top * (Levels.Length - 1)), 0, Levels.Length - 1)];
        }

        return new string(chars);
    }
}
