using ModelOperator.Statistics;

namespace ModelOperator.Rollouts.Analysis;

/// <summary>
/// One feature's (or output's) drift window as a revision's model servers counted it against the revision's reference
/// profile, pooled over its pods by <see cref="Plus"/>: bin counts and data-quality counts add up, the earliest drift
/// start wins. The score (<see cref="Psi"/>) and the sample count (<see cref="Samples"/>) rest on the same pooled bins.
/// </summary>
public sealed record SeriesWindow
{
    /// <summary>The feature or output name from the profile.</summary>
    public required string Name { get; init; }

    /// <summary>The bins in profile order (by <see cref="SeriesBin.Index"/>); empty when the server exported none.</summary>
    public IReadOnlyList<SeriesBin> Bins { get; init; } = [];

    /// <summary>NaN values in the window (not binned).</summary>
    public double NaN { get; init; }

    /// <summary>±Infinity values in the window (not binned).</summary>
    public double Infinite { get; init; }

    /// <summary>Finite values outside the reference min and max (binned).</summary>
    public double OutOfRange { get; init; }

    /// <summary>Values of a categorical series that the reference never saw (binned in the unseen bin).</summary>
    public double UnseenCategory { get; init; }

    /// <summary>Σ over pods of (binned mean × binned values), so that pooled means weigh each pod by its values.</summary>
    public double MeanTimesSamples { get; init; }

    /// <summary>The binned values behind <see cref="MeanTimesSamples"/>.</summary>
    public double MeanWeight { get; init; }

    /// <summary>The reference profile's binned mean; NaN when not reported.</summary>
    public double ReferenceMean { get; init; } = double.NaN;

    /// <summary>When a server of the revision first saw this series drift in its current episode; null when none does.</summary>
    public DateTimeOffset? DriftingSince { get; init; }

    /// <summary>Binned values in the pooled window (every finite value): what <see cref="Psi"/> rests on.</summary>
    public double Samples => Bins.Sum(b => b.Count);

    /// <summary>Every value in the window, NaN and infinite included: the denominator of the non-finite share.</summary>
    public double Values => Samples + NaN + Infinite;

    /// <summary>The pooled window's binned mean; NaN without values.</summary>
    public double LiveMean => MeanWeight > 0 ? MeanTimesSamples / MeanWeight : double.NaN;

    /// <summary>PSI of the pooled bins against the reference proportions (the one PSI, <see cref="HistogramMath.Psi"/>); NaN without bins or values.</summary>
    public double Psi => Bins.Count == 0 ? double.NaN : HistogramMath.Psi([.. Bins.Select(b => b.Reference)], [.. Bins.Select(b => b.Count)]);

    /// <summary>Two pods' windows of the same series summed (the reference is the revision's, the same on both).</summary>
    public SeriesWindow Plus(SeriesWindow other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var bins = Bins.Concat(other.Bins)
            .GroupBy(b => b.Index)
            .OrderBy(g => g.Key)
            .Select(g => g.First() with { Count = g.Sum(b => b.Count) })
            .ToList();
        return this with
        {
            Bins = bins,
            NaN = NaN + other.NaN,
            Infinite = Infinite + other.Infinite,
            OutOfRange = OutOfRange + other.OutOfRange,
            UnseenCategory = UnseenCategory + other.UnseenCategory,
            MeanTimesSamples = MeanTimesSamples + other.MeanTimesSamples,
            MeanWeight = MeanWeight + other.MeanWeight,
            ReferenceMean = double.IsNaN(ReferenceMean) ? other.ReferenceMean : ReferenceMean,
            DriftingSince = (DriftingSince, other.DriftingSince) switch
            {
                ({ } a, { } b) => a < b ? a : b,
                (var a, var b) => a ?? b,
            },
        };
    }
}

/// <summary>One bin of a <see cref="SeriesWindow"/>.</summary>
/// <param name="Index">Its index in the profile's bin layout.</param>
/// <param name="Range">Its values in words, e.g. <c>[0, 7)</c>, <c>= 12</c>, <c>unseen</c>.</param>
/// <param name="Count">Values in the window.</param>
/// <param name="Reference">The reference proportion, 0 to 1.</param>
public sealed record SeriesBin(int Index, string Range, double Count, double Reference);
