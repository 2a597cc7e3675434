namespace ModelOperator.Runtime.Drift;

/// <summary>
/// The reference distributions of a model's input features and outputs, shipped beside the model as JSON
/// (see docs/drift-profile.md and <see cref="ReferenceProfileJson"/>). Immutable; validated on construction.
/// </summary>
public sealed record ReferenceProfile
{
    /// <summary>The newest format version: 2 adds text series (<see cref="SeriesProfile.Values"/>).</summary>
    public const int CurrentFormatVersion = 2;

    /// <summary>The oldest format version this build reads: 1, numeric and numeric-coded categorical series only.</summary>
    public const int OldestFormatVersion = 1;

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

    /// <summary>
    /// The version the profile is written as: 1 while every series is numeric or numeric-coded categorical, so that a
    /// profile without text reads in builds that only know version 1; 2 when a series holds text values.
    /// </summary>
    public int FormatVersion => Features.Concat(Outputs).Any(s => s.IsText) ? CurrentFormatVersion : OldestFormatVersion;

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

    /// <summary>
    /// One bin per known value, plus one for unseen values: numeric codes in <see cref="SeriesProfile.Categories"/>, or
    /// text in <see cref="SeriesProfile.Values"/>.
    /// </summary>
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
/// <para><b>Text</b> (categorical with string values), with distinct values V₀ &lt; … &lt; Vₖ₋₁ in ordinal order, at most
/// <see cref="MaxTextValues"/>: bin i holds the value Vᵢ and bin k every other value (the "other" bucket: values the
/// reference folded away because it had more distinct values than the profile keeps, and values never seen). A text
/// series has no min and max (NaN).</para>
/// <para><see cref="Proportions"/> has one entry per bin, each ≥ 0, summing to 1.</para>
/// </remarks>
public sealed record SeriesProfile
{
    /// <summary>Most known values a text series lists; the builder folds the rarer ones into the "other" bin.</summary>
    public const int MaxTextValues = 1000;

    private const double SumTolerance = 1e-6;

    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly double[] _edges;
    private readonly double[] _categories;
    private readonly string[] _values;
    private readonly Utf8ValueMap? _valueMap;
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
        _values = [];
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

        string layout = kind == SeriesKind.Numeric
            ? $"{_edges.Length} edges make {bins} bins (underflow, {_edges.Length - 1} inner, overflow)"
            : $"{_categories.Length} categories make {bins} bins (one per category and one for unseen values)";
        _proportions = CheckProportions(proportions, bins, where, layout);
    }

    /// <summary>A text series: categorical over string values (see the remarks), with no min and max.</summary>
    /// <param name="name">The series name.</param>
    /// <param name="values">The known values, distinct and in ordinal order, 1 to <see cref="MaxTextValues"/>.</param>
    /// <param name="proportions">One per value, then the "other" bin's.</param>
    public SeriesProfile(string name, IReadOnlyList<string> values, IReadOnlyList<double> proportions)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("A series needs a non-empty name.", nameof(name));
        }

        Name = name;
        Kind = SeriesKind.Categorical;
        Min = double.NaN;
        Max = double.NaN;
        string where = $"\"{name}\"";
        if (values is null || values.Count == 0)
        {
            throw new ArgumentException($"{where}: values is empty; a text series lists at least one known value.");
        }

        if (values.Count > MaxTextValues)
        {
            throw new ArgumentException($"{where}: values lists {values.Count} values; at most {MaxTextValues} are allowed (fold the rarer ones into the last, \"other\", proportion).");
        }

        _values = [.. values];
        for (int i = 0; i < _values.Length; i++)
        {
            try
            {
                StrictUtf8.GetByteCount(_values[i] ?? throw new ArgumentException($"{where}: values[{i}] is null; values are strings."));
            }
            catch (System.Text.EncoderFallbackException)
            {
                throw new ArgumentException($"{where}: values[{i}] is not valid Unicode text (a lone surrogate); values must be text that UTF-8 can encode.");
            }

            if (i > 0 && string.CompareOrdinal(_values[i], _values[i - 1]) <= 0)
            {
                throw new ArgumentException($"{where}: values must be distinct and in ordinal order, but values[{i}] (\"{_values[i]}\") does not come after values[{i - 1}] (\"{_values[i - 1]}\").");
            }
        }

        _edges = [];
        _categories = [];
        _valueMap = new Utf8ValueMap(_values);
        _proportions = CheckProportions(proportions, _values.Length + 1, where, $"{_values.Length} values make {_values.Length + 1} bins (one per value and one for other values)");
    }

    private static double[] CheckProportions(IReadOnlyList<double> proportions, int bins, string where, string layout)
    {
        ArgumentNullException.ThrowIfNull(proportions);
        if (proportions.Count != bins)
        {
            throw new ArgumentException($"{where}: proportions has {proportions.Count} entries but {layout}; give one proportion per bin.");
        }

        double[] copy = [.. proportions];
        double sum = 0;
        for (int i = 0; i < copy.Length; i++)
        {
            if (!(copy[i] >= 0) || !double.IsFinite(copy[i]))
            {
                throw new ArgumentException($"{where}: proportion {i} is {copy[i]}; proportions must be finite and ≥ 0.");
            }

            sum += copy[i];
        }

        if (Math.Abs(sum - 1) > SumTolerance)
        {
            throw new ArgumentException($"{where}: proportions sum to {sum}; they must sum to 1 (within {SumTolerance}).");
        }

        return copy;
    }

    public string Name { get; }

    public SeriesKind Kind { get; }

    /// <summary>The smallest reference value; NaN for a text series.</summary>
    public double Min { get; }

    /// <summary>The largest reference value; NaN for a text series.</summary>
    public double Max { get; }

    /// <summary>Numeric bin edges, strictly increasing; empty for categorical series.</summary>
    public IReadOnlyList<double> Edges => _edges;

    /// <summary>Known numeric codes, sorted and distinct; empty for numeric and text series.</summary>
    public IReadOnlyList<double> Categories => _categories;

    /// <summary>Known text values, distinct, in ordinal order; empty unless this is a text series.</summary>
    public IReadOnlyList<string> Values => _values;

    /// <summary>True for a categorical series over text values (a BYTES input).</summary>
    public bool IsText => _values.Length > 0;

    /// <summary>Reference proportion per bin.</summary>
    public IReadOnlyList<double> Proportions => _proportions;

    public int BinCount => _proportions.Length;

    internal ReadOnlySpan<double> ProportionSpan => _proportions;

    /// <summary>The bin of a finite value (see the remarks for the layout). Pure, allocation-free.</summary>
    /// <exception cref="InvalidOperationException">This is a text series; use <see cref="BinOfText"/>.</exception>
    public int BinOf(double value) =>
        IsText ? throw new InvalidOperationException($"\"{Name}\" is a text series; bin its values with BinOfText.")
        : Kind == SeriesKind.Numeric ? NumericBin(_edges, value) : CategoryBin(_categories, value);

    /// <summary>The bin of a text value given as UTF-8: its value's index, or the "other" bin. O(1), allocation-free.</summary>
    /// <exception cref="InvalidOperationException">This is not a text series.</exception>
    public int BinOfText(ReadOnlySpan<byte> utf8)
    {
        if (_valueMap is null)
        {
            throw new InvalidOperationException($"\"{Name}\" is not a text series; bin its values with BinOf.");
        }

        int index = _valueMap.IndexOf(utf8);
        return index >= 0 ? index : _values.Length;
    }

    /// <summary>True when <paramref name="bin"/> is the unseen-value bin of a categorical series.</summary>
    public bool IsUnseenCategory(int bin) => Kind == SeriesKind.Categorical && bin == _categories.Length + _values.Length;

    public bool Equals(SeriesProfile? other) =>
        other is not null && Name == other.Name && Kind == other.Kind && Min.Equals(other.Min) && Max.Equals(other.Max)
        && _edges.AsSpan().SequenceEqual(other._edges) && _categories.AsSpan().SequenceEqual(other._categories)
        && _values.AsSpan().SequenceEqual(other._values) && _proportions.AsSpan().SequenceEqual(other._proportions);

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
