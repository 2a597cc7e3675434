namespace ModelOperator.Runtime.Drift;

/// <summary>Settings of <see cref="ReferenceProfileBuilder"/>.</summary>
public sealed record ReferenceProfileBuilderOptions
{
    /// <summary>Target number of inner bins of a numeric series (quantile bins); fewer when quantiles coincide. 1 to 1000.</summary>
    public int BinCount { get; init; } = 10;

    /// <summary>A series whose reference values are all integers with at most this many distinct values is categorical. 0 turns categorical detection off.</summary>
    public int MaxCategories { get; init; } = 10;

    /// <summary>
    /// Most distinct values a text series lists (1 to <see cref="SeriesProfile.MaxTextValues"/>): the most frequent ones;
    /// the rest are folded into the series' last ("unseen") bin with their combined reference share.
    /// </summary>
    public int MaxTextValues { get; init; } = SeriesProfile.MaxTextValues;

    internal void Validate()
    {
        if (MaxTextValues < 1 || MaxTextValues > SeriesProfile.MaxTextValues)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxTextValues), MaxTextValues, $"MaxTextValues must be between 1 and {SeriesProfile.MaxTextValues}.");
        }

        if (BinCount is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(BinCount), BinCount, "BinCount must be between 1 and 1000.");
        }

        if (MaxCategories is < 0 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxCategories), MaxCategories, "MaxCategories must be between 0 and 1000.");
        }
    }
}

/// <summary>
/// Builds a <see cref="ReferenceProfile"/> from reference rows and the model's outputs for those rows
/// (the caller runs the model).
/// </summary>
/// <remarks>
/// Numeric bins come from quantiles of the reference values: with the n values sorted as s₀ ≤ … ≤ sₙ₋₁ and
/// B = <see cref="ReferenceProfileBuilderOptions.BinCount"/>, the cut points are s[⌊i·n/B⌋] for i = 1…B−1;
/// the edges are s₀, the cut points that are strictly above the previous edge (duplicates dropped), and the next
/// double above sₙ₋₁. Each inner bin therefore holds about n/B values; a heavily repeated value gives fewer, wider bins.
/// <para>Text series keep their <see cref="ReferenceProfileBuilderOptions.MaxTextValues"/> most frequent values (ties by
/// ordinal order), listed in ordinal order with their shares; the rarer values are folded into the last bin, whose
/// reference share is their combined share (0 when nothing was folded).</para>
/// </remarks>
public sealed class ReferenceProfileBuilder
{
    private readonly ReferenceProfileBuilderOptions _options;

    public ReferenceProfileBuilder(ReferenceProfileBuilderOptions? options = null)
    {
        _options = options ?? new ReferenceProfileBuilderOptions();
        _options.Validate();
    }

    /// <param name="featureNames">The model's feature names, in column order.</param>
    /// <param name="rowMajorFeatures">rows × features values, row after row.</param>
    /// <param name="rows">Number of reference rows (≥ 1).</param>
    /// <param name="outputNames">Names of the model's output values per row, in order (may be empty).</param>
    /// <param name="rowMajorOutputs">rows × outputs values, row after row.</param>
    public ReferenceProfile Build(
        IReadOnlyList<string> featureNames,
        ReadOnlySpan<float> rowMajorFeatures,
        int rows,
        IReadOnlyList<string> outputNames,
        ReadOnlySpan<float> rowMajorOutputs)
    {
        ArgumentNullException.ThrowIfNull(featureNames);
        ArgumentNullException.ThrowIfNull(outputNames);
        if (rows < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(rows), rows, "At least one reference row is needed to build a profile.");
        }

        if (featureNames.Count == 0)
        {
            throw new ArgumentException("At least one feature name is needed.", nameof(featureNames));
        }

        CheckShape(rowMajorFeatures.Length, rows, featureNames.Count, "features", nameof(rowMajorFeatures));
        CheckShape(rowMajorOutputs.Length, rows, outputNames.Count, "outputs", nameof(rowMajorOutputs));

        var features = new SeriesProfile[featureNames.Count];
        for (int f = 0; f < features.Length; f++)
        {
            features[f] = BuildSeries(featureNames[f], Column(rowMajorFeatures, rows, featureNames.Count, f, featureNames[f], "feature"));
        }

        var outputs = new SeriesProfile[outputNames.Count];
        for (int o = 0; o < outputs.Length; o++)
        {
            outputs[o] = BuildSeries(outputNames[o], Column(rowMajorOutputs, rows, outputNames.Count, o, outputNames[o], "output"));
        }

        return new ReferenceProfile(features, outputs, rows);
    }

    /// <summary>
    /// Builds from reference rows that may hold text columns (<see cref="ReferenceData.Text"/>): text columns become
    /// text series, the others are binned from <see cref="ReferenceData.RowMajorValues"/> as in the other overload.
    /// </summary>
    public ReferenceProfile Build(ReferenceData features, IReadOnlyList<string> outputNames, ReadOnlySpan<float> rowMajorOutputs)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(outputNames);
        int rows = features.Rows;
        int columns = features.Columns.Count;
        if (rows < 1 || columns == 0)
        {
            throw new ArgumentException($"At least one reference row and one feature are needed to build a profile; got {rows} rows and {columns} features.", nameof(features));
        }

        CheckShape(features.RowMajorValues.Length, rows, columns, "features", nameof(features));
        CheckShape(rowMajorOutputs.Length, rows, outputNames.Count, "outputs", nameof(rowMajorOutputs));
        var series = new SeriesProfile[columns];
        for (int f = 0; f < columns; f++)
        {
            series[f] = features.IsText(f)
                ? BuildTextSeries(features.Columns[f], features.Text[f]!)
                : BuildSeries(features.Columns[f], Column(features.RowMajorValues, rows, columns, f, features.Columns[f], "feature"));
        }

        var outputs = new SeriesProfile[outputNames.Count];
        for (int o = 0; o < outputs.Length; o++)
        {
            outputs[o] = BuildSeries(outputNames[o], Column(rowMajorOutputs, rows, outputNames.Count, o, outputNames[o], "output"));
        }

        return new ReferenceProfile(series, outputs, rows);
    }

    /// <summary>The profile of one text series from its reference values (any order; at least one); see the remarks.</summary>
    public SeriesProfile BuildTextSeries(string name, IReadOnlyList<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            throw new ArgumentException($"Series \"{name}\" has no reference values.", nameof(values));
        }

        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (string value in values)
        {
            ArgumentNullException.ThrowIfNull(value, nameof(values));
            counts[value] = counts.GetValueOrDefault(value) + 1;
        }

        var kept = counts
            .OrderByDescending(c => c.Value)
            .ThenBy(c => c.Key, StringComparer.Ordinal)
            .Take(_options.MaxTextValues)
            .OrderBy(c => c.Key, StringComparer.Ordinal)
            .ToList();
        var binCounts = new long[kept.Count + 1];
        for (int i = 0; i < kept.Count; i++)
        {
            binCounts[i] = kept[i].Value;
        }

        binCounts[^1] = values.Count - kept.Sum(c => c.Value);
        return new SeriesProfile(name, [.. kept.Select(c => c.Key)], Proportions(binCounts, values.Count));
    }

    /// <summary>The profile of one series from its reference values (any order; at least one; all finite).</summary>
    public SeriesProfile BuildSeries(string name, ReadOnlySpan<double> values)
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException($"Series \"{name}\" has no reference values.", nameof(values));
        }

        double[] sorted = values.ToArray();
        Array.Sort(sorted);
        if (!double.IsFinite(sorted[0]) || !double.IsFinite(sorted[^1]) || double.IsNaN(sorted[0]))
        {
            throw new ArgumentException($"Series \"{name}\" has non-finite reference values; reference data must be finite numbers.", nameof(values));
        }

        double min = sorted[0];
        double max = sorted[^1];
        double[]? categories = DetectCategories(sorted);
        if (categories is not null)
        {
            var counts = new long[categories.Length + 1];
            foreach (double v in sorted)
            {
                counts[SeriesProfile.CategoryBin(categories, v)]++;
            }

            return new SeriesProfile(name, SeriesKind.Categorical, min, max, null, categories, Proportions(counts, sorted.Length));
        }

        double[] edges = QuantileEdges(sorted, _options.BinCount);
        var binCounts = new long[edges.Length + 1];
        foreach (double v in sorted)
        {
            binCounts[SeriesProfile.NumericBin(edges, v)]++;
        }

        return new SeriesProfile(name, SeriesKind.Numeric, min, max, edges, null, Proportions(binCounts, sorted.Length));
    }

    /// <summary>Edges from quantiles of sorted values (see the class remarks).</summary>
    internal static double[] QuantileEdges(double[] sorted, int binCount)
    {
        int n = sorted.Length;
        var edges = new List<double>(binCount + 1) { sorted[0] };
        for (int i = 1; i < binCount; i++)
        {
            double cut = sorted[(int)((long)i * n / binCount)];
            if (cut > edges[^1])
            {
                edges.Add(cut);
            }
        }

        edges.Add(Math.BitIncrement(sorted[^1]));
        return [.. edges];
    }

    private double[]? DetectCategories(double[] sorted)
    {
        if (_options.MaxCategories == 0)
        {
            return null;
        }

        var distinct = new List<double>();
        foreach (double v in sorted)
        {
            if (Math.Floor(v) != v)
            {
                return null;
            }

            if (distinct.Count == 0 || distinct[^1] != v)
            {
                distinct.Add(v);
                if (distinct.Count > _options.MaxCategories)
                {
                    return null;
                }
            }
        }

        return [.. distinct];
    }

    private static double[] Proportions(long[] counts, int total)
    {
        var proportions = new double[counts.Length];
        for (int i = 0; i < counts.Length; i++)
        {
            proportions[i] = (double)counts[i] / total;
        }

        return proportions;
    }

    private static void CheckShape(int length, int rows, int columns, string what, string paramName)
    {
        if ((long)rows * columns != length)
        {
            throw new ArgumentException(
                $"The {what} hold {length} values but {rows} rows × {columns} {what} need {(long)rows * columns}; pass the values row after row.",
                paramName);
        }
    }

    private static double[] Column(ReadOnlySpan<float> rowMajor, int rows, int columns, int column, string name, string what)
    {
        var values = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            float v = rowMajor[(r * columns) + column];
            if (!float.IsFinite(v))
            {
                throw new ArgumentException(
                    $"Reference row {r + 1} {what} \"{name}\" is {v}; reference data must be finite numbers (drop or impute such rows first).");
            }

            values[r] = v;
        }

        return values;
    }
}
