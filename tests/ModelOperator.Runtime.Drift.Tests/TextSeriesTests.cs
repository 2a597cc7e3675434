using System.Text;
using ModelOperator.Testing;

namespace ModelOperator.Runtime.Drift.Tests;

/// <summary>Text (BYTES) features as categorical series: profile, file format, binning by UTF-8 bytes, scores.</summary>
public sealed class TextSeriesTests
{
    private static readonly DriftMonitorOptions Options = new() { Window = TimeSpan.FromMinutes(1), BucketWidth = TimeSpan.FromSeconds(10), MinSamples = 1 };

    // colour: blue 50 %, green 30 %, red 20 %, nothing else; count: numeric.
    private static ReferenceProfile Profile() => new(
        [
            new SeriesProfile("colour", ["blue", "green", "red"], [0.5, 0.3, 0.2, 0]),
            new SeriesProfile("count", SeriesKind.Numeric, 0, 10, [0, 5, 10.000000000000002], null, [0, 0.5, 0.5, 0]),
        ],
        [new SeriesProfile("score", SeriesKind.Numeric, 0, 1, [0, 0.5, 1.0000000000000002], null, [0, 0.5, 0.5, 0])],
        10);

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private static void RecordColours(DriftMonitor monitor, params string[] colours)
    {
        using var recording = monitor.Begin(colours.Length);
        foreach (var colour in colours)
        {
            recording.FeatureText(0, Utf8(colour));
            recording.Feature(1, 3);
            recording.Output(0, 0.25f);
        }
    }

    [Fact]
    public void A_profile_with_text_round_trips_as_format_version_2_and_one_without_stays_version_1()
    {
        var builder = new ReferenceProfileBuilder();
        var data = new ReferenceData(["colour", "count"], [0, 1, 0, 2, 0, 3, 0, 4], 4)
        {
            Text = [["red", "blue", "naïve, \"quoted\"", "red"], null],
        };
        var profile = builder.Build(data, ["score"], [0.1f, 0.2f, 0.3f, 0.4f]);

        var json = ReferenceProfileJson.Serialize(profile);
        var back = ReferenceProfileJson.Deserialize(json);

        Assert.Equal(2, profile.FormatVersion);
        Assert.Contains("\"formatVersion\": 2", json, StringComparison.Ordinal);
        Assert.Equal(profile, back);
        Assert.Equal(["blue", "naïve, \"quoted\"", "red"], back.Features[0].Values);
        Assert.Equal([0.25, 0.25, 0.5, 0], back.Features[0].Proportions);
        Assert.True(double.IsNaN(back.Features[0].Min));
        Assert.Equal([1.0, 2, 3, 4], back.Features[1].Categories); // numbers beside text are profiled as before
        var numericOnly = new ReferenceProfile([profile.Features[1]], [], 4);
        Assert.Equal(1, numericOnly.FormatVersion);
        Assert.Contains("\"formatVersion\": 1", ReferenceProfileJson.Serialize(numericOnly), StringComparison.Ordinal);
    }

    [Fact]
    public void A_text_series_is_written_with_values_and_without_min_and_max()
    {
        var json = ReferenceProfileJson.Serialize(new ReferenceProfile([new SeriesProfile("colour", ["blue", "red"], [0.75, 0.25, 0])], [], 4));

        Assert.Equal(
            """
            {
              "formatVersion": 2,
              "rowCount": 4,
              "features": [
                {
                  "name": "colour",
                  "kind": "categorical",
                  "values": [
                    "blue",
                    "red"
                  ],
                  "proportions": [
                    0.75,
                    0.25,
                    0
                  ]
                }
              ],
              "outputs": []
            }
            """.ReplaceLineEndings("\n"),
            json.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("""{"formatVersion": 1, "rowCount": 1, "features": [{"name": "c", "kind": "categorical", "values": ["a"], "proportions": [1, 0]}]}""",
        "features[0] (\"c\") lists text \"values\", which need formatVersion 2; this file says 1")]
    [InlineData("""{"formatVersion": 2, "rowCount": 1, "features": [{"name": "c", "kind": "numeric", "values": ["a"], "proportions": [1, 0]}]}""",
        "kind is \"numeric\" but the series lists text \"values\"")]
    [InlineData("""{"formatVersion": 2, "rowCount": 1, "features": [{"name": "c", "kind": "categorical", "min": 0, "values": ["a"], "proportions": [1, 0]}]}""",
        "a text series has only name, kind, values and proportions")]
    [InlineData("""{"formatVersion": 2, "rowCount": 1, "features": [{"name": "c", "kind": "categorical", "values": ["b", "a"], "proportions": [0.5, 0.5, 0]}]}""",
        "values must be distinct and in ordinal order, but values[1] (\"a\") does not come after values[0] (\"b\")")]
    [InlineData("""{"formatVersion": 2, "rowCount": 1, "features": [{"name": "c", "kind": "categorical", "values": ["a"], "proportions": [1]}]}""",
        "proportions has 1 entries but 1 values make 2 bins (one per value and one for other values)")]
    [InlineData("""{"formatVersion": 2, "rowCount": 1, "features": [{"name": "c", "kind": "categorical", "values": [], "proportions": [1]}]}""",
        "values is empty")]
    public void Invalid_text_series_name_the_part_that_is_wrong(string json, string message)
    {
        var e = Assert.Throws<InvalidDataException>(() => ReferenceProfileJson.Deserialize(json));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void More_than_the_maximum_number_of_values_and_text_utf8_cannot_encode_are_refused()
    {
        var values = Enumerable.Range(0, SeriesProfile.MaxTextValues + 1).Select(i => i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var proportions = Enumerable.Repeat(0.0, values.Count + 1).ToArray();
        proportions[0] = 1;

        var e = Assert.Throws<ArgumentException>(() => new SeriesProfile("c", values, proportions));
        Assert.Contains("values lists 1001 values; at most 1000 are allowed", e.Message, StringComparison.Ordinal);
        var surrogate = Assert.Throws<ArgumentException>(() => new SeriesProfile("c", ["\ud800"], [1, 0]));
        Assert.Contains("values[0] is not valid Unicode text", surrogate.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_builder_keeps_the_most_frequent_values_and_folds_the_rest_into_the_last_bin()
    {
        var builder = new ReferenceProfileBuilder(new() { MaxTextValues = 2 });
        string[] values = ["b", "a", "b", "c", "b", "a", "a", "d", "a", "b"]; // a 4, b 4, c 1, d 1

        var series = builder.BuildTextSeries("letter", values);

        Assert.Equal(["a", "b"], series.Values);
        Assert.Equal([0.4, 0.4, 0.2], series.Proportions);
        Assert.Equal(2, series.BinOfText(Utf8("c")));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReferenceProfileBuilder(new() { MaxTextValues = 1001 }));
    }

    [Fact]
    public void Every_one_of_a_thousand_values_finds_its_own_bin_and_others_find_the_unseen_bin()
    {
        var values = Enumerable.Range(0, 1000).Select(i => "v" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal).ToList();
        var proportions = Enumerable.Repeat(1.0 / 1000, 1000).Append(0).ToArray();
        var series = new SeriesProfile("id", values, proportions);

        for (var i = 0; i < values.Count; i++)
        {
            Assert.Equal(i, series.BinOfText(Utf8(values[i])));
        }

        Assert.Equal(1000, series.BinOfText(Utf8("v1000")));
        Assert.Equal(1000, series.BinOfText(Utf8("")));
        Assert.Equal(1000, series.BinOfText(Utf8("V1")));
        Assert.Throws<InvalidOperationException>(() => series.BinOf(1));
    }

    [Fact]
    public void Unseen_values_are_counted_exactly_on_a_known_sequence()
    {
        var monitor = new DriftMonitor(Profile(), Options, new ManualTimeProvider());

        RecordColours(monitor, "red", "red", "purple", "", "blue", "purple", "RED", "red ");

        var colour = monitor.Snapshot().Features[0];
        Assert.Equal([1L, 0, 2, 5], colour.Counts); // blue, green, red, unseen: purple twice, "", "RED", "red "
        Assert.Equal(5, colour.UnseenCategoryCount);
        Assert.Equal(8, colour.SampleCount);
        Assert.Equal(0, colour.OutOfRangeCount);
        Assert.Equal(5, monitor.QualityTotals(0).UnseenCategory);
        Assert.Equal(8, monitor.Snapshot().Rows);
    }

    [Fact]
    public void Psi_and_js_of_a_known_categorical_pair_equal_the_hand_computed_values()
    {
        var monitor = new DriftMonitor(Profile(), Options, new ManualTimeProvider());

        // Observed blue 4, green 2, red 2, unseen 2 = [0.4, 0.2, 0.2, 0.2] against the reference [0.5, 0.3, 0.2, 0].
        RecordColours(monitor, "blue", "blue", "blue", "blue", "green", "green", "red", "red", "teal", "cyan");

        var colour = monitor.Snapshot().Features[0];
        // With ε = 1e-4 and k = 4: x' = (x + ε) / (1 + 4ε), PSI = Σ (a' − e') ln(a' / e'), per bin
        //   blue 0.022300 + green 0.040514 + red 0 + unseen 0.199980·ln(0.2001 / 0.0001) = 1.519673 → 1.5824867.
        Assert.Equal(1.582486679586742, colour.Psi, 12);
        // m = [0.45, 0.25, 0.2, 0.1]; JSD = ½(0.5 log₂(0.5/0.45) + 0.3 log₂(0.3/0.25)) + ½(0.4 log₂(0.4/0.45) + 0.2 log₂(0.2/0.25) + 0.2 log₂(0.2/0.1))
        //   = 0.1112781; distance = √JSD = 0.3335838.
        Assert.Equal(0.33358375928562967, colour.JensenShannonDistance, 12);
        Assert.Equal(DriftVerdict.Drifting, monitor.Snapshot().Verdict);
    }

    [Fact]
    public void Numbers_for_a_text_series_and_text_for_a_numeric_one_are_refused()
    {
        var monitor = new DriftMonitor(Profile(), Options, new ManualTimeProvider());

        Assert.Throws<InvalidOperationException>(() => monitor.Record([1f, 2f], 1, [0.5f]));
        var text = Assert.Throws<InvalidOperationException>(() =>
        {
            using var recording = monitor.Begin(1);
            recording.Feature(0, 1);
        });
        Assert.Contains("feature 0 is a text series", text.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() =>
        {
            using var recording = monitor.Begin(1);
            recording.FeatureText(1, Utf8("3"));
        });
        Assert.Throws<ArgumentOutOfRangeException>(() =>
        {
            using var recording = monitor.Begin(1);
            recording.FeatureText(2, Utf8("red"));
        });
    }

    [Fact]
    public void Recording_a_known_text_value_allocates_nothing()
    {
        var monitor = new DriftMonitor(Profile(), Options, TimeProvider.System);
        byte[] red = Utf8("red");
        byte[] unseen = Utf8("ultraviolet");
        for (var i = 0; i < 2000; i++)
        {
            Record(monitor, red, unseen); // warm-up: JIT and tiering, first bucket
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            Record(monitor, red, unseen);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        static void Record(DriftMonitor monitor, byte[] known, byte[] other)
        {
            using var recording = monitor.Begin(2);
            recording.FeatureText(0, known);
            recording.Feature(1, 4);
            recording.FeatureText(0, other);
            recording.Feature(1, 6);
            recording.Output(0, 0.7f);
            recording.Output(0, 0.2f);
        }
    }

    [Fact]
    public void Text_bins_read_as_their_values_and_the_last_as_unseen()
    {
        var colour = Profile().Features[0];
        var long_ = new SeriesProfile("id", [new string('x', 60)], [1, 0]);

        Assert.Equal("= green", SeriesBins.Range(colour, 1));
        Assert.Equal("unseen", SeriesBins.Range(colour, 3));
        Assert.Equal("= " + new string('x', SeriesBins.MaxTextLength) + "…", SeriesBins.Range(long_, 0));
        Assert.True(double.IsNaN(SeriesBins.Mean(colour, [1, 2, 3, 4])));
        Assert.True(colour.IsUnseenCategory(3));
    }

    [Fact]
    public void The_csv_reader_keeps_text_columns_as_text_quoted_commas_and_empty_values_included()
    {
        var csv = "colour,count\nred,1\n\"a, b\",2\n,3\n\"  spaced \",4\n";

        var data = ReferenceCsvReader.Read(new StringReader(csv), ["colour", "count"], new HashSet<int> { 0 });

        Assert.Equal(4, data.Rows);
        Assert.True(data.IsText(0));
        Assert.False(data.IsText(1));
        Assert.Equal(["red", "a, b", "", "  spaced "], data.Text[0]!);
        Assert.Equal([0f, 1, 0, 2, 0, 3, 0, 4], data.RowMajorValues);
        var e = Assert.Throws<InvalidDataException>(() => ReferenceCsvReader.Read(new StringReader("colour,count\nred,x\n"), ["colour", "count"], new HashSet<int> { 0 }));
        Assert.Contains("row 1 column \"count\": \"x\" is not a number", e.Message, StringComparison.Ordinal);
    }
}
