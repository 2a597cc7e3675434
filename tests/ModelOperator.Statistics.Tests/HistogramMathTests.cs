namespace ModelOperator.Statistics.Tests;

public sealed class HistogramMathTests
{
    [Fact]
    public void Bins_come_from_cumulative_buckets_and_a_reset_counts_as_zero()
    {
        Assert.Equal([3.0, 7, 0], HistogramMath.Bins([(0.5, 3), (1, 10), (double.PositiveInfinity, 10)]));
        Assert.Equal([5.0, 0, 2], HistogramMath.Bins([(1, 5), (0.5 + 1.5, 4), (double.PositiveInfinity, 7)]));
    }

    [Fact]
    public void Bucket_differences_never_go_negative_and_sums_take_the_union_of_bounds()
    {
        var inf = double.PositiveInfinity;
        var since = HistogramMath.Difference(new Dictionary<double, double> { [0.1] = 90, [inf] = 100 }, new Dictionary<double, double> { [0.1] = 40, [inf] = 45 });
        var reset = HistogramMath.Difference(new Dictionary<double, double> { [0.1] = 3 }, new Dictionary<double, double> { [0.1] = 40 });
        var sum = HistogramMath.Sum(new Dictionary<double, double> { [0.1] = 2, [inf] = 3 }, new Dictionary<double, double> { [0.5] = 1, [inf] = 4 });

        Assert.Equal(new Dictionary<double, double> { [0.1] = 50, [inf] = 55 }, since);
        Assert.Equal(0, reset[0.1]);
        Assert.Equal(new Dictionary<double, double> { [0.1] = 2, [0.5] = 1, [inf] = 7 }, sum);
        Assert.Empty(HistogramMath.Sum(null, null));
    }

    [Theory]
    [InlineData(new double[] { 50, 50 }, new double[] { 50, 50 }, 0.0)]
    [InlineData(new double[] { 50, 50 }, new double[] { 90, 10 }, 0.8784)]
    [InlineData(new double[] { 10, 20, 70 }, new double[] { 10, 20, 70 }, 0.0)]
    public void Psi_table(double[] expected, double[] actual, double psi) =>
        Assert.Equal(psi, HistogramMath.Psi(expected, actual), 4);

    [Fact]
    public void Psi_is_nan_without_observations_or_with_different_bins()
    {
        Assert.True(double.IsNaN(HistogramMath.Psi([0, 0], [1, 2])));
        Assert.True(double.IsNaN(HistogramMath.Psi([1, 2], [1, 2, 3])));
        Assert.True(double.IsFinite(HistogramMath.Psi([100, 0], [0, 100]))); // empty bins are smoothed, not infinite
    }

    [Theory]
    [InlineData(0.99, 0.46)]
    [InlineData(0.5, 0.0556)]
    public void Quantile_interpolates_like_histogram_quantile(double q, double value) =>
        Assert.Equal(value, HistogramMath.Quantile(q, [(0.1, 90), (0.5, 100), (double.PositiveInfinity, 100)]), 4);

    [Fact]
    public void Quantile_in_the_inf_bucket_is_the_highest_finite_bound_and_nan_without_data()
    {
        Assert.Equal(0.5, HistogramMath.Quantile(0.99, [(0.1, 10), (0.5, 20), (double.PositiveInfinity, 100)]));
        Assert.True(double.IsNaN(HistogramMath.Quantile(0.99, [(0.1, 0), (double.PositiveInfinity, 0)])));
        Assert.Throws<ArgumentOutOfRangeException>(() => HistogramMath.Quantile(1.5, []));
    }

    [Fact]
    public void Psi_is_the_drift_statistics_psi_with_its_default_smoothing()
    {
        double[] stable = [0, 80, 20, 0];
        double[] canary = [0, 10, 85, 5];

        Assert.Equal(DriftStatistics.PopulationStabilityIndex(stable, canary), HistogramMath.Psi(stable, canary), 14);
    }

    [Fact]
    public void Psi_of_a_scrape_that_is_not_a_distribution_is_nan_not_an_exception()
    {
        Assert.True(double.IsNaN(HistogramMath.Psi([1, double.NaN], [1, 1])));
        Assert.True(double.IsNaN(HistogramMath.Psi([1, 1], [1, -1])));
        Assert.True(double.IsNaN(HistogramMath.Psi([], [])));
    }
}
