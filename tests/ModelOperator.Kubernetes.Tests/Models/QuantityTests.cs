using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Kubernetes.Tests.Models;

/// <summary>The canonical forms a Kubernetes API server answers for quantities it was sent.</summary>
public sealed class QuantityTests
{
    [Theory]
    // Decimal SI: the largest multiple-of-3 exponent that keeps an integer mantissa.
    [InlineData("0.5", "500m")]
    [InlineData(".5", "500m")]
    [InlineData("1000m", "1")]
    [InlineData("1000", "1k")]
    [InlineData("1500", "1500")]
    [InlineData("1.5", "1500m")]
    [InlineData("1000000", "1M")]
    [InlineData("250m", "250m")]
    [InlineData("0.25", "250m")]
    [InlineData("5.", "5")]
    [InlineData("+5", "5")]
    [InlineData("-1.5", "-1500m")]
    [InlineData("1E", "1E")]
    [InlineData("1024", "1024")]
    [InlineData("100u", "100u")]
    [InlineData("0.1n", "1n")] // finer than nano rounds away from zero
    [InlineData("1.0000000001", "1000000001n")]
    [InlineData(" 2 ", "2")]
    // Binary SI: the largest power of 1024 that keeps an integer; under 1024 or fractional it turns decimal.
    [InlineData("1024Mi", "1Gi")]
    [InlineData("1536Mi", "1536Mi")]
    [InlineData("1.5Gi", "1536Mi")]
    [InlineData("2048Ki", "2Mi")]
    [InlineData("1Ki", "1Ki")]
    [InlineData("0.5Ki", "512")]
    [InlineData("0.001Ki", "1024m")]
    [InlineData("1.1Ki", "1126400m")]
    [InlineData("256Mi", "256Mi")]
    [InlineData("1024Ei", "1024Ei")]
    // Decimal exponent: kept as an exponent, a multiple of 3.
    [InlineData("1e3", "1e3")]
    [InlineData("1E3", "1e3")]
    [InlineData("12e6", "12e6")]
    [InlineData("1.5e3", "1500")]
    [InlineData("1e-3", "1e-3")]
    [InlineData("10e2", "1e3")]
    // Zero is 0 in every format.
    [InlineData("0", "0")]
    [InlineData("0Mi", "0")]
    [InlineData("0e3", "0")]
    [InlineData("-0.0", "0")]
    public void Canonical_form_is_what_a_server_answers(string input, string canonical)
    {
        Assert.Equal(canonical, Quantity.Parse(input).ToString());
        Assert.Equal(canonical, Quantity.Parse(canonical).ToString()); // canonical is a fixed point
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("1K")]
    [InlineData("1.2.3")]
    [InlineData("1e")]
    [InlineData("Mi")]
    [InlineData("1 Mi")]
    [InlineData("1Mib")]
    [InlineData(".")]
    [InlineData("--1")]
    public void Not_quantities(string input)
    {
        Assert.False(Quantity.TryParse(input, out _));
        Assert.Throws<FormatException>(() => Quantity.Parse(input));
    }

    [Theory]
    [InlineData("1Gi", "1073741824", true)]
    [InlineData("0.5", "500m", true)]
    [InlineData("1e3", "1k", true)]
    [InlineData("1", "1001m", false)]
    [InlineData("1Ki", "1k", false)]
    public void Equality_is_by_value(string left, string right, bool equal)
    {
        Assert.Equal(equal, Quantity.Parse(left) == Quantity.Parse(right));
        if (equal)
        {
            Assert.Equal(Quantity.Parse(left).GetHashCode(), Quantity.Parse(right).GetHashCode());
        }
    }

    [Fact]
    public void Ordering_follows_the_value()
    {
        Assert.True(Quantity.Parse("500m") < Quantity.Parse("1"));
        Assert.True(Quantity.Parse("1Ki") > Quantity.Parse("1k"));
        Assert.True(Quantity.Parse("-1") < Quantity.Parse("0"));
    }

    [Theory]
    [InlineData("1n", "1m")]
    [InlineData("1500u", "2m")]
    [InlineData("-1500u", "-2m")]
    [InlineData("250m", "250m")]
    [InlineData("1Gi", "1Gi")]
    public void Resource_lists_round_up_to_milli(string input, string rounded)
    {
        Assert.Equal(rounded, Quantity.Parse(input).RoundUp(-3).ToString());
    }
}
