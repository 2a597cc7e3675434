namespace ModelOperator.Runtime.Drift.Tests;

public sealed class ReferenceProfileBuilderTests
{
    [Fact]
    public void Numeric_bins_come_from_quantiles_with_underflow_and_overflow()
    {
        double[] values = [.. Enumerable.Range(1, 100).Select(i => (double)i)];

        SeriesProfile s = new ReferenceProfileBuilder(new() { MaxCategories = 0 }).BuildSeries("x", values);

        Assert.Equal(SeriesKind.Numeric, s.Kind);
        Assert.Equal([1, 11, 21, 31, 41, 51, 61, 71, 81, 91, Math.BitIncrement(100.0)], s.Edges);
        Assert.Equal([0, .. Enumerable.Repeat(0.1, 10), 0], s.Proportions);
        Assert.Equal(1, s.Min);
        Assert.Equal(100, s.Max);
        Assert.Equal(0, s.BinOf(0.5));   // underflow
        Assert.Equal(1, s.BinOf(1));     // [1, 11)
        Assert.Equal(10, s.BinOf(100));  // the max is inside the last inner bin
        Assert.Equal(11, s.BinOf(100.5)); // overflow
    }

    [Fact]
    public void Repeated_values_collapse_duplicate_edges()
    {
        // 90 zeros and 10 spread values: the quantile cuts at 0 are one edge.
        double[] values = [.. Enumerable.Repeat(0.0, 90), .. Enumerable.Range(1, 10).Select(i => i + 0.5)];

        SeriesProfile s = new ReferenceProfileBuilder().BuildSeries("x", values);

        Assert.Equal([0, 1.5, Math.BitIncrement(10.5)], s.Edges);
        Assert.Equal([0, 0.9, 0.1, 0], s.Proportions);
    }

    [Fact]
    public void A_constant_non_integer_series_has_one_inner_bin()
    {
        SeriesProfile s = new ReferenceProfileBuilder().BuildSeries("x", [0.5, 0.5, 0.5]);

        Assert.Equal([0.5, Math.BitIncrement(0.5)], s.Edges);
        Assert.Equal([0, 1, 0], s.Proportions);
        Assert.Equal(2, s.BinOf(0.51));
    }

    [Fact]
    public void Few_distinct_integers_make_a_categorical_series()
    {
        SeriesProfile s = new ReferenceProfileBuilder(new() { MaxCategories = 3 }).BuildSeries("contract", [2, 0, 0, 1, 0, 2, 0, 1]);

        Assert.Equal(SeriesKind.Categorical, s.Kind);
        Assert.Equal([0, 1, 2], s.Categories);
        Assert.Equal([0.5, 0.25, 0.25, 0], s.Proportions);
        Assert.Empty(s.Edges);
        Assert.Equal(3, s.BinOf(7));
        Assert.True(s.IsUnseenCategory(3));
    }

    [Theory]
    [InlineData(new double[] { 0, 1, 2, 3 }, 3)] // too many distinct values
    [InlineData(new double[] { 0, 1, 1.5 }, 3)]  // not integers
    [InlineData(new double[] { 0, 1 }, 0)]       // detection off
    public void Otherwise_the_series_is_numeric(double[] values, int maxCategories)
    {
        SeriesProfile s = new ReferenceProfileBuilder(new() { MaxCategories = maxCategories }).BuildSeries("x", values);
        Assert.Equal(SeriesKind.Numeric, s.Kind);
    }

    [Fact]
    public void Build_profiles_every_feature_and_output_column()
    {
        float[] features = [1, 0, 2, 1, 3, 0, 4, 1];
        float[] outputs = [0.1f, 0.9f, 0.2f, 0.8f];

        ReferenceProfile p = new ReferenceProfileBuilder(new() { BinCount = 2 }).Build(["age", "churned_before"], features, 4, ["score"], outputs);

        Assert.Equal(["age", "churned_before"], p.Features.Select(f => f.Name));
        Assert.Equal(SeriesKind.Categorical, p.Features[0].Kind); // 1..4: four integers ≤ 10
        Assert.Equal(SeriesKind.Categorical, p.Features[1].Kind);
        Assert.Equal([0.5, 0.5, 0], p.Features[1].Proportions);
        Assert.Equal(SeriesKind.Numeric, p.Outputs[0].Kind);
        Assert.Equal(0.1f, p.Outputs[0].Min);
        Assert.Equal(4, p.RowCount);
        Assert.Equal(1, p.FormatVersion);
    }

    [Fact]
    public void Shape_and_value_errors_say_what_was_expected()
    {
        var builder = new ReferenceProfileBuilder();

        var shape = Assert.Throws<ArgumentException>(() => builder.Build(["a", "b"], new float[5], 3, [], []));
        Assert.Contains("The features hold 5 values but 3 rows × 2 features need 6", shape.Message, StringComparison.Ordinal);

        var outputs = Assert.Throws<ArgumentException>(() => builder.Build(["a"], new float[3], 3, ["y"], new float[2]));
        Assert.Contains("The outputs hold 2 values but 3 rows × 1 outputs need 3", outputs.Message, StringComparison.Ordinal);

        var nan = Assert.Throws<ArgumentException>(() => builder.Build(["a", "tenure"], [1, 2, 3, float.NaN], 2, [], []));
        Assert.Contains("Reference row 2 feature \"tenure\" is NaN", nan.Message, StringComparison.Ordinal);

        Assert.Throws<ArgumentOutOfRangeException>(() => builder.Build(["a"], [], 0, [], []));
        Assert.Contains("appears twice", Assert.Throws<ArgumentException>(() => builder.Build(["a", "a"], [1, 2], 1, [], [])).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReferenceProfileBuilder(new() { BinCount = 0 }));
    }

    [Fact]
    public void Profiles_with_inconsistent_parts_are_refused()
    {
        Assert.Contains("proportions has 2 entries but 2 edges make 3 bins",
            Assert.Throws<ArgumentException>(() => new SeriesProfile("x", SeriesKind.Numeric, 0, 1, [0, 1], null, [0.5, 0.5])).Message, StringComparison.Ordinal);
        Assert.Contains("sum to 0.9",
            Assert.Throws<ArgumentException>(() => new SeriesProfile("x", SeriesKind.Categorical, 0, 1, null, [0, 1], [0.5, 0.4, 0])).Message, StringComparison.Ordinal);
        Assert.Contains("strictly increasing",
            Assert.Throws<ArgumentException>(() => new SeriesProfile("x", SeriesKind.Numeric, 0, 1, [0, 0], null, [0, 1, 0])).Message, StringComparison.Ordinal);
        Assert.Contains("min ≤ max",
            Assert.Throws<ArgumentException>(() => new SeriesProfile("x", SeriesKind.Numeric, 2, 1, [0], null, [0.5, 0.5])).Message, StringComparison.Ordinal);
    }
}
