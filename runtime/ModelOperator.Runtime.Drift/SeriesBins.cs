using System.Globalization;

namespace ModelOperator.Runtime.Drift;

/// <summary>
/// A series' bins in words and as representative values, so that a drift explanation can say which bins moved and how
/// the mean moved. Pure; uses the bin layout of <see cref="SeriesProfile"/>.
/// </summary>
/// <remarks>
/// Ranges (numbers in the shortest round-trip form): numeric bin 0 is <c>&lt; E₀</c>, bin i is <c>[Eᵢ₋₁, Eᵢ)</c>, the last
/// <c>≥ Eₘ</c>; categorical bin i is <c>= Cᵢ</c> and the last <c>unseen</c>; a text series' bin i is <c>= Vᵢ</c> (cut to
/// <see cref="MaxTextLength"/> characters, so a long reference value does not make a long metric label) and the last
/// <c>unseen</c> too (it is the same bin: values not listed, including a reference's folded tail). Centres: an inner numeric bin's midpoint,
/// the underflow bin's E₀ and the overflow bin's Eₘ (the closest value the profile knows); a category's value; the
/// unseen bin and text bins have none (NaN), so a text series has no binned mean. The binned mean is Σ wᵢ·cᵢ / Σ wᵢ over bins with a centre, NaN without weight: an
/// estimate, but the same estimate on both sides, so "before" and "after" compare fairly.
/// Example: edges [0, 10, 20], weights [0, 3, 1, 0] → centres [0, 5, 15, 20] → mean (3·5 + 1·15) / 4 = 7.5.
/// </remarks>
public static class SeriesBins
{
    /// <summary>Characters of a text value shown in a range; longer values end in "…".</summary>
    public const int MaxTextLength = 48;

    /// <summary>Bin <paramref name="bin"/> of <paramref name="series"/> in words.</summary>
    public static string Range(SeriesProfile series, int bin)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentOutOfRangeException.ThrowIfNegative(bin);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(bin, series.BinCount);
        if (series.IsText)
        {
            return bin == series.Values.Count ? "unseen" : "= " + Text(series.Values[bin]);
        }

        if (series.Kind == SeriesKind.Categorical)
        {
            return bin == series.Categories.Count ? "unseen" : "= " + Number(series.Categories[bin]);
        }

        var edges = series.Edges;
        return bin == 0 ? "< " + Number(edges[0])
            : bin == edges.Count ? "≥ " + Number(edges[^1])
            : $"[{Number(edges[bin - 1])}, {Number(edges[bin])})";
    }

    /// <summary>The value that stands for bin <paramref name="bin"/>; NaN for the unseen bin.</summary>
    public static double Center(SeriesProfile series, int bin)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (series.IsText)
        {
            return double.NaN;
        }

        if (series.Kind == SeriesKind.Categorical)
        {
            return bin < series.Categories.Count ? series.Categories[bin] : double.NaN;
        }

        var edges = series.Edges;
        return bin == 0 ? edges[0] : bin == edges.Count ? edges[^1] : (edges[bin - 1] + edges[bin]) / 2;
    }

    /// <summary>The binned mean of <paramref name="weights"/> (one per bin: counts or proportions); NaN without weight.</summary>
    public static double Mean(SeriesProfile series, IReadOnlyList<double> weights)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Count != series.BinCount)
        {
            throw new ArgumentException($"\"{series.Name}\" has {series.BinCount} bins but {weights.Count} weights were given; give one per bin.", nameof(weights));
        }

        double sum = 0, total = 0;
        for (var i = 0; i < weights.Count; i++)
        {
            var center = Center(series, i);
            if (!double.IsNaN(center) && weights[i] > 0)
            {
                sum += weights[i] * center;
                total += weights[i];
            }
        }

        return total > 0 ? sum / total : double.NaN;
    }

    private static string Text(string value) =>
        value.Length <= MaxTextLength ? value : string.Concat(value.AsSpan(0, char.IsHighSurrogate(value[MaxTextLength - 1]) ? MaxTextLength - 1 : MaxTextLength), "…");

    private static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
