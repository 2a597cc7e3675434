namespace ModelOperator.Runtime.Drift.Tests;

public sealed class ReferenceCsvReaderTests
{
    private static readonly string[] Features = ["age", "tenure", "monthly_charges"];

    [Fact]
    public void Reads_header_and_rows_row_major()
    {
        const string csv = "age,tenure,monthly_charges\r\n42, 3 ,70.5\n\n\"18\",1e1,-0.25\n";

        ReferenceData data = ReferenceCsvReader.Read(new StringReader(csv), Features);

        Assert.Equal(Features, data.Columns);
        Assert.Equal(2, data.Rows);
        Assert.Equal([42f, 3f, 70.5f, 18f, 10f, -0.25f], data.RowMajorValues);
    }

    [Fact]
    public void Quoted_header_names_may_hold_commas_and_quotes()
    {
        ReferenceData data = ReferenceCsvReader.Read(new StringReader("\"a,b\",\"say \"\"hi\"\"\"\n1,2\n"), ["a,b", "say \"hi\""]);
        Assert.Equal([1f, 2f], data.RowMajorValues);
    }

    [Fact]
    public void A_column_out_of_order_is_named_with_the_expected_feature()
    {
        var e = Assert.Throws<InvalidDataException>(() => ReferenceCsvReader.Read(new StringReader("age,monthly_charges,tenure\n1,2,3\n"), Features));
        Assert.StartsWith("column 2 is \"monthly_charges\" but the model's feature 2 is \"tenure\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_with_the_wrong_number_of_columns_lists_both()
    {
        var e = Assert.Throws<InvalidDataException>(() => ReferenceCsvReader.Read(new StringReader("age,tenure\n1,2\n"), Features));
        Assert.Equal(
            "The header has 2 columns (age, tenure) but the model has 3 features (age, tenure, monthly_charges); the header must name every feature once, in the model's order.",
            e.Message);
    }

    [Fact]
    public void A_value_that_is_not_a_number_names_row_and_column()
    {
        string csv = "age,tenure,monthly_charges\n" + string.Concat(Enumerable.Repeat("1,2,3\n", 16)) + "5,abc,7\n";

        var e = Assert.Throws<InvalidDataException>(() => ReferenceCsvReader.Read(new StringReader(csv), Features));

        Assert.Equal("row 17 column \"tenure\": \"abc\" is not a number (line 18).", e.Message);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("1e39")]
    public void Non_finite_values_are_refused(string value)
    {
        var e = Assert.Throws<InvalidDataException>(() => ReferenceCsvReader.Read(new StringReader($"age,tenure,monthly_charges\n1,{value},3\n"), Features));
        Assert.Contains($"row 1 column \"tenure\": \"{value}\" is not a finite number", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "The reference CSV is empty; expected a header row naming the columns: age, tenure, monthly_charges.")]
    [InlineData("age,tenure,monthly_charges\n", "The reference CSV has a header but no rows; at least one reference row is needed.")]
    [InlineData("age,tenure,monthly_charges\n1,2\n", "row 1 (line 2) has 2 values but the header has 3 columns; every row needs one value per column.")]
    [InlineData("age,tenure,monthly_charges\n1,2,\n", "row 1 column \"monthly_charges\": \"\" is not a number (line 2).")]
    [InlineData("age,\"tenure,monthly_charges\n", "line 1: a quoted field is not closed; end it with a double quote.")]
    public void Malformed_files_get_a_clear_message(string csv, string message)
    {
        var e = Assert.Throws<InvalidDataException>(() => ReferenceCsvReader.Read(new StringReader(csv), Features));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Csv_feeds_the_builder()
    {
        ReferenceData data = ReferenceCsvReader.Read(new StringReader("a,b\n1,0.5\n2,1.5\n3,2.5\n"), ["a", "b"]);
        ReferenceProfile p = new ReferenceProfileBuilder().Build(data.Columns, data.RowMajorValues, data.Rows, [], []);
        Assert.Equal(SeriesKind.Categorical, p.Features[0].Kind);
        Assert.Equal(SeriesKind.Numeric, p.Features[1].Kind);
    }
}
