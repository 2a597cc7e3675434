namespace ModelOperator.Runtime.Drift;

/// <summary>
/// The reference distributions of a model's input features and outputs, shipped beside the model as JSON
/// (see docs/drift-profile.md and <see cref="ReferenceProfileJson"/>). Immutable; validated on construction.
/// </summary>
public sealed record ReferenceProfile
{
    /// <summary>The only format version this build reads and writes.</summary>
    public const int CurrentFormatVersion = 1;

    public ReferenceProfile(IReadOnlyList<SeriesProfile> features, IReadOnlyList<SeriesProfile> outputs, long rowCount)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(outputs);
        if (features.Count == 0)
        {
            throw new ArgumentException("A reference profile needs at least one feature.", nameof(features));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(rowCount, 1);
        CheckUniqueNames(features, "feature");
        CheckUniqueNames(outputs, "output");
        Features = [.. features];
        Outputs = [.. outputs];
        RowCount = rowCount;
    }

    public int FormatVersion => CurrentFormatVersion;

    /// <summary>One profile per input feature, in the model's feature order (the column order of a row).</summary>
    public IReadOnlyList<SeriesProfile> Features { get; }

    /// <summary>One profile per model output value, in output order (the prediction distribution).</summary>
    public IReadOnlyList<SeriesProfile> Outputs { get; }

    /// <summary>How many reference rows the profile was built from.</summary>
    public long RowCount { get; }

    public bool Equals(ReferenceProfile? other) =>
        other is not null && RowCount == other.RowCount && Features.SequenceEqual(other.Features) && Outputs.SequenceEqual(other.Outputs);

    public override int GetHashCode() => HashCode.Combine(RowCount, Features.Count, Outputs.Count);

    private static void CheckUniqueNames(IReadOnlyList<SeriesProfile> series, string what)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (SeriesProfile s in series)
        {
            ArgumentNullException.ThrowIfNull(s);
            if (!seen.Add(s.Name))
            {
                throw new ArgumentException($"The {what} name \"{s.Name}\" appears twice; {what} names must be unique.");
            }
        }
    }
}

/// <summary>Whether a series is binned by ranges of values or by exact known values.</summary>
public enum SeriesKind
{
    /// <summary>Bins are half-open ranges between <see cref="SeriesProfile.Edges"/>, plus underflow and overflow.</summary>
    Numeric,

    /// <summary>One bin per known value in <see cref="SeriesProfile.Categories"/>, plus one for unseen values.</summary>
    Categorical,
}

/// <summary>
/// The reference distribution of one feature or output.
/// </summary>
/// <remarks>
/// <para><b>Numeric</b>, with strictly increasing edges E₀ &lt; E₁ &lt; … &lt; Eₘ: a value v falls in bin
/// <c>i = #{ j : Eⱼ ≤ v }</c>, so bin 0 is the underflow (v &lt; E₀), bin i is [Eᵢ₋₁, Eᵢ) and bin m+1 the overflow
/// (v ≥ Eₘ); m + 2 bins in all. The builder puts E₀ at the reference minimum and Eₘ just above the reference maximum
/// (the next double), so every reference value lands in an inner bin.</para>
/// <para><b>Categorical</b>, with sorted distinct categories C₀ &lt; … &lt; Cₖ₋₁: bin i holds the value Cᵢ and bin k
/// every other value (unseen); k + 1 bins.</para>
/// <para><see cref="Proportions"/> has one entry per bin, each ≥ 0, summing to 1.</para>
/// </remarks>
public sealed record SeriesProfile
{
    private const double SumTolerance = 1e-6;

    private readonly double[] _edges;
    private readonly double[] _categories;
    private readonly double[] _proportions;

    public SeriesProfile(string name, SeriesKind kind, double min, double max, IReadOnlyList<double>? edges, IReadOnlyList<double>? categories, IReadOnlyList<double> proportions)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("A series needs a non-empty name.", nameof(name));
        }

        Name = name;
        Kind = kind;
        string where = $"\"{name}\"";
        if (!double.IsFinite(min) || !double.IsFinite(max) || min > max)
        {
            throw new ArgumentException($"{where}: min ({min}) and max ({max}) must be finite with min ≤ max.");
        }

        Min = min;
        Max = max;
        ArgumentNullException.ThrowIfNull(proportions);
        int bins;
        if (kind == SeriesKind.Numeric)
        {
            if (categories is { Count: > 0 })
            {
                throw new ArgumentException($"{where} is numeric but lists categories; only categorical series have categories.");
            }

            _edges = CheckIncreasing(edges, where, "edges");
            _categories = [];
            bins = _edges.Length + 1;
        }
        else if (kind == SeriesKind.Categorical)
        {
            if (edges is { Count: > 0 })
            {
                throw new ArgumentException($"{where} is categorical but lists edges; only numeric series have edges.");
            }

            _categories = CheckIncreasing(categories, where, "categories");
            _edges = [];
            bins = _categories.Length + 1;
        }
        else
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, $"{where}: kind must be numeric or categorical.");
        }

        if (proportions.Count != bins)
        {
            string layout = kind == SeriesKind.Numeric
                ? $"{_edges.Length} edges make {bins} bins (underflow, {_edges.Length - 1} inner, overflow)"
                : $"{_categories.Length} categories make {bins} bins (one per category and one for unseen values)";
            throw new ArgumentException($"{where}: proportions has {proportions.Count} entries but {layout}; give one proportion per bin.");
        }

        _proportions = [.. proportions];
        double sum = 0;
        for (int i = 0; i < _proportions.Length; i++)
        {
            if (!(_proportions[i] >= 0) || !double.IsFinite(_proportions[i]))
            {
                throw new ArgumentException($"{where}: proportion {i} is {_proportions[i]}; proportions must be finite and ≥ 0.");
            }

            sum += _proportions[i];
        }

        if (Math.Abs(sum - 1) > SumTolerance)
        {
            throw new ArgumentException($"{where}: proportions sum to {sum}; they must sum to 1 (within {SumTolerance}).");
        }
    }

    public string Name { get; }

    public SeriesKind Kind { get; }

    /// <summary>The smallest reference value.</summary>
    public double Min { get; }

    /// <summary>The largest reference value.</summary>
    public double Max { get; }

    /// <summary>Numeric bin edges, strictly increasing; empty for categorical series.</summary>
    public IReadOnlyList<double> Edges => _edges;

    /// <summary>Known values, sorted and distinct; empty for numeric series.</summary>
    public IReadOnlyList<double> Categories => _categories;

    /// <summary>Reference proportion per bin.</summary>
    public IReadOnlyList<double> Proportions => _proportions;

    public int BinCount => _proportions.Length;

    internal ReadOnlySpan<double> ProportionSpan => _proportions;

    /// <summary>The bin of a finite value (see the remarks for the layout). Pure, allocation-free.</summary>
    public int BinOf(double value) =>
        Kind == SeriesKind.Numeric ? NumericBin(_edges, value) : CategoryBin(_categories, value);

    /// <summary>True when <paramref name="bin"/> is the unseen-value bin of a categorical series.</summary>
    public bool IsUnseenCategory(int bin) => Kind == SeriesKind.Categorical && bin == _categories.Length;

    public bool Equals(SeriesProfile? other) =>
        other is not null && Name == other.Name && Kind == other.Kind && Min.Equals(other.Min) && Max.Equals(other.Max)
        && _edges.AsSpan().SequenceEqual(other._edges) && _categories.AsSpan().SequenceEqual(other._categories)
        && _proportions.AsSpan().SequenceEqual(other._proportions);

    public override int GetHashCode() => HashCode.Combine(Name, Kind, Min, Max, _proportions.Length);

    /// <summary>Number of edges ≤ value (binary search).</summary>
    internal static int NumericBin(double[] edges, double value)
    {
        int lo = 0;
        int hi = edges.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (edges[mid] <= value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>Index of the category equal to value, or the unseen bin (categories.Length).</summary>
    internal static int CategoryBin(double[] categories, double value)
    {
        int index = categories.AsSpan().BinarySearch(value);
        return index >= 0 ? index : categories.Length;
    }

    private static double[] CheckIncreasing(IReadOnlyList<double>? values, string where, string what)
    {
        if (values is null || values.Count == 0)
        {
            throw new ArgumentException($"{where}: {what} is empty; at least one is needed.");
        }

        double[] copy = [.. values];
        for (int i = 0; i < copy.Length; i++)
        {
            if (!double.IsFinite(copy[i]))
            {
                throw new ArgumentException($"{where}: {what}[{i}] is {copy[i]}; values must be finite.");
            }

            if (i > 0 && !(copy[i] > copy[i - 1]))
            {
                throw new ArgumentException($"{where}: {what} must be strictly increasing, but {what}[{i}] ({copy[i]}) is not greater than {what}[{i - 1}] ({copy[i - 1]}).");
            }
        }

        return copy;
    }
}
