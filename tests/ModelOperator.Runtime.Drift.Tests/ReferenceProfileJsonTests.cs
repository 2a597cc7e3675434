namespace ModelOperator.Runtime.Drift.Tests;

public sealed class ReferenceProfileJsonTests
{
    private static ReferenceProfile Sample()
    {
        var builder = new ReferenceProfileBuilder(new() { BinCount = 4 });
        float[] features = [.. Enumerable.Range(0, 40).SelectMany(i => new[] { i * 0.37f, i % 3 })];
        float[] outputs = [.. Enumerable.Range(0, 40).Select(i => i / 40f)];
        return builder.Build(["monthly_charges", "contract"], features, 40, ["churn_probability"], outputs);
    }

    [Fact]
    public void A_profile_round_trips_exactly()
    {
        ReferenceProfile profile = Sample();

        string json = ReferenceProfileJson.Serialize(profile);
        ReferenceProfile back = ReferenceProfileJson.Deserialize(json);

        Assert.Equal(profile, back);
        Assert.Equal(profile.Features[0].Edges, back.Features[0].Edges); // bit-exact doubles, incl. the edge just above max
        using var stream = new MemoryStream();
        ReferenceProfileJson.Write(profile, stream);
        stream.Position = 0;
        Assert.Equal(profile, ReferenceProfileJson.Read(stream));
    }

    [Fact]
    public void The_json_has_the_documented_shape()
    {
        string json = ReferenceProfileJson.Serialize(new ReferenceProfile(
            [new SeriesProfile("contract", SeriesKind.Categorical, 0, 1, null, [0, 1], [0.75, 0.25, 0])],
            [new SeriesProfile("score", SeriesKind.Numeric, 0, 1, [0, 0.5, 1.0000000000000002], null, [0, 0.5, 0.5, 0])],
            4));

        Assert.Equal(
            """
            {
              "formatVersion": 1,
              "rowCount": 4,
              "features": [
                {
                  "name": "contract",
                  "kind": "categorical",
                  "min": 0,
                  "max": 1,
                  "categories": [
                    0,
                    1
                  ],
                  "proportions": [
                    0.75,
                    0.25,
                    0
                  ]
                }
              ],
              "outputs": [
                {
                  "name": "score",
                  "kind": "numeric",
                  "min": 0,
                  "max": 1,
                  "edges": [
                    0,
                    0.5,
                    1.0000000000000002
                  ],
                  "proportions": [
                    0,
                    0.5,
                    0.5,
                    0
                  ]
                }
              ]
            }
            """.ReplaceLineEndings("\n"),
            json.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("""{"formatVersion": 3, "rowCount": 1, "features": []}""", "formatVersion 3, which this build cannot read; it reads format versions 1 to 2")]
    [InlineData("""{"formatVersion": 0, "rowCount": 1, "features": []}""", "formatVersion 0, which this build cannot read; it reads format versions 1 to 2")]
    [InlineData("""{"formatVersion": "1"}""", "formatVersion \"1\", which this build cannot read")]
    [InlineData("""{"rowCount": 1}""", "has no \"formatVersion\"; this build reads format versions 1 to 2")]
    [InlineData("""[1]""", "must be a JSON object")]
    [InlineData("""{"formatVersion": 1,""", "is not valid JSON")]
    public void Other_versions_and_non_profiles_are_refused_clearly(string json, string message)
    {
        var e = Assert.Throws<InvalidDataException>(() => ReferenceProfileJson.Deserialize(json));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"formatVersion": 1, "rowCount": 1, "features": [{"name": "a", "kind": "numeric", "min": 0, "max": 1, "edges": [0, 1], "proportions": [1]}]}""",
        "features[0]: \"a\": proportions has 1 entries but 2 edges make 3 bins")]
    [InlineData("""{"formatVersion": 1, "rowCount": 1, "features": [{"name": "a", "kind": "ordinal", "min": 0, "max": 1, "proportions": [1]}]}""",
        "features[0] (\"a\"): kind is \"ordinal\"; allowed: \"numeric\", \"categorical\"")]
    [InlineData("""{"formatVersion": 1, "rowCount": 1, "features": [{"name": "a", "kind": "numeric", "max": 1, "edges": [0], "proportions": [0, 1]}]}""",
        "features[0]: min is missing")]
    [InlineData("""{"formatVersion": 1, "features": []}""", "\"rowCount\" is missing")]
    [InlineData("""{"formatVersion": 1, "rowCount": 1}""", "\"features\" is missing")]
    [InlineData("""{"formatVersion": 1, "rowCount": 1, "features": [], "extra": true}""", "expected shape")]
    public void Invalid_profiles_name_the_part_that_is_wrong(string json, string message)
    {
        var e = Assert.Throws<InvalidDataException>(() => ReferenceProfileJson.Deserialize(json));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }
}
