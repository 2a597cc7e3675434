using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace ModelOperator.Kubernetes.Models;

/// <summary>
/// A Kubernetes resource quantity (<c>500m</c>, <c>1Gi</c>, <c>1e3</c>) as an exact decimal, with the canonical string form
/// the API server stores and answers: a server parses every quantity a client sends and writes it back in canonical form,
/// so <c>0.5</c> comes back as <c>500m</c> and <c>1024Mi</c> as <c>1Gi</c>. Compare quantities with this type, never as text.
/// </summary>
/// <remarks>
/// <para>Grammar: <c>[+-]digits[.digits]suffix</c> (also <c>digits.</c> and <c>.digits</c>); the suffix is binary
/// (<c>Ki Mi Gi Ti Pi Ei</c>, powers of 1024), decimal SI (<c>n u m "" k M G T P E</c>, powers of 1000) or a decimal
/// exponent (<c>e3</c>, <c>E-2</c>). The suffix family is the quantity's <see cref="QuantityFormat"/> and survives
/// canonicalization.</para>
/// <para>Value: exact; anything finer than a nano (10⁻⁹) is rounded away from zero to the next nano, so a tiny
/// request never becomes 0.</para>
/// <para>Canonical form, worked: decimal formats use the largest exponent that is a multiple of 3 and keeps the
/// mantissa an integer (<c>0.5</c> → <c>500m</c>, <c>1000m</c> → <c>1</c>, <c>1500</c> → <c>1500</c>, <c>2000</c> →
/// <c>2k</c>, <c>1e3</c> → <c>1e3</c>, <c>1.5e3</c> → <c>1500</c>); binary uses the largest power of 1024 that keeps
/// an integer (<c>1024Mi</c> → <c>1Gi</c>, <c>1536Mi</c> → <c>1536Mi</c>), but a binary value under 1024 in magnitude,
/// or with a fractional part, is written in decimal SI (<c>1Ki</c> → <c>1Ki</c>, <c>0.5Ki</c> → <c>512</c>,
/// <c>1.5Mi</c> → <c>1536Ki</c>, <c>0.001Ki</c> → <c>1024m</c>). Zero is <c>0</c> in every format.</para>
/// </remarks>
public readonly struct Quantity : IEquatable<Quantity>, IComparable<Quantity>
{
    /// <summary>The smallest scale a quantity keeps (nano).</summary>
    public const int MinScale = -9;

    private static readonly string[] BinarySuffixes = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];

    private Quantity(BigInteger mantissa, int scale, QuantityFormat format)
    {
        Mantissa = mantissa;
        Scale = scale;
        Format = format;
    }

    /// <summary>The value is <see cref="Mantissa"/> × 10^<see cref="Scale"/>.</summary>
    public BigInteger Mantissa { get; }

    public int Scale { get; }

    public QuantityFormat Format { get; }

    public bool IsZero => Mantissa.IsZero;

    public static Quantity Parse(string text) =>
        TryParse(text, out var quantity) ? quantity : throw new FormatException($"\"{text}\" is not a quantity: {QuantityRules.Message}");

    /// <summary>Parses <paramref name="text"/> (surrounding whitespace allowed, as the server's JSON decoding allows it).</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out Quantity quantity)
    {
        quantity = default;
        if (text is null)
        {
            return false;
        }

        var s = text.Trim();
        var i = 0;
        var negative = false;
        if (i < s.Length && s[i] is '+' or '-')
        {
            negative = s[i] == '-';
            i++;
        }

        var digits = new StringBuilder();
        var fractionDigits = 0;
        var seenPoint = false;
        var anyDigit = false;
        for (; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsAsciiDigit(c))
            {
                digits.Append(c);
                anyDigit = true;
                if (seenPoint)
                {
                    fractionDigits++;
                }
            }
            else if (c == '.' && !seenPoint)
            {
                seenPoint = true;
            }
            else
            {
                break;
            }
        }

        if (!anyDigit || !TryParseSuffix(s[i..], out var format, out var binaryExponent, out var decimalExponent))
        {
            return false;
        }

        var mantissa = BigInteger.Parse(digits.ToString(), NumberStyles.None, CultureInfo.InvariantCulture);
        var scale = decimalExponent - fractionDigits;
        if (binaryExponent > 0)
        {
            mantissa *= BigInteger.Pow(2, binaryExponent);
        }

        if (negative)
        {
            mantissa = -mantissa;
        }

        (mantissa, scale) = RoundUpToNano(mantissa, scale);
        quantity = new Quantity(mantissa, scale, format);
        return true;
    }

    /// <summary>The canonical form of <paramref name="text"/>, or null when it is not a quantity.</summary>
    public static string? Canonicalize(string? text) => TryParse(text, out var q) ? q.ToString() : null;

    /// <summary>The same value rounded away from zero to <paramref name="scale"/> (the server rounds resource lists to milli).</summary>
    public Quantity RoundUp(int scale)
    {
        if (Scale >= scale)
        {
            return this;
        }

        var divisor = BigInteger.Pow(10, scale - Scale);
        var quotient = BigInteger.DivRem(BigInteger.Abs(Mantissa), divisor, out var remainder);
        if (!remainder.IsZero)
        {
            quotient += 1;
        }

        return new Quantity(Mantissa.Sign < 0 ? -quotient : quotient, scale, Format);
    }

    /// <summary>The canonical string (see the type's remarks).</summary>
    public override string ToString()
    {
        if (IsZero)
        {
            return "0";
        }

        var format = Format;
        if (format == QuantityFormat.BinarySI)
        {
            var (integer, exact) = IntegerValue();
            if (BigInteger.Abs(integer) < 1024 || !exact)
            {
                format = QuantityFormat.DecimalSI;
            }
            else
            {
                var power = 0;
                while (power < BinarySuffixes.Length - 1 && (integer % 1024).IsZero)
                {
                    integer /= 1024;
                    power++;
                }

                return integer.ToString(CultureInfo.InvariantCulture) + BinarySuffixes[power];
            }
        }

        var (mantissa, exponent) = DecimalCanonical();
        var number = mantissa.ToString(CultureInfo.InvariantCulture);
        if (format == QuantityFormat.DecimalSI && DecimalSuffix(exponent) is { } suffix)
        {
            return number + suffix;
        }

        return exponent == 0 ? number : number + "e" + exponent.ToString(CultureInfo.InvariantCulture);
    }

    public bool Equals(Quantity other) => CompareTo(other) == 0;

    public override bool Equals(object? obj) => obj is Quantity other && Equals(other);

    public override int GetHashCode()
    {
        var (mantissa, exponent) = DecimalCanonical();
        return HashCode.Combine(mantissa, exponent);
    }

    /// <summary>Compares values only: <c>1Gi</c> equals <c>1073741824</c>, whatever the formats.</summary>
    public int CompareTo(Quantity other)
    {
        var scale = Math.Min(Scale, other.Scale);
        var left = Mantissa * BigInteger.Pow(10, Scale - scale);
        var right = other.Mantissa * BigInteger.Pow(10, other.Scale - scale);
        return left.CompareTo(right);
    }

    public static bool operator ==(Quantity left, Quantity right) => left.Equals(right);

    public static bool operator !=(Quantity left, Quantity right) => !left.Equals(right);

    public static bool operator <(Quantity left, Quantity right) => left.CompareTo(right) < 0;

    public static bool operator >(Quantity left, Quantity right) => left.CompareTo(right) > 0;

    public static bool operator <=(Quantity left, Quantity right) => left.CompareTo(right) <= 0;

    public static bool operator >=(Quantity left, Quantity right) => left.CompareTo(right) >= 0;

    private (BigInteger Value, bool Exact) IntegerValue()
    {
        if (Scale >= 0)
        {
            return (Mantissa * BigInteger.Pow(10, Scale), true);
        }

        var value = BigInteger.DivRem(Mantissa, BigInteger.Pow(10, -Scale), out var remainder);
        return (value, remainder.IsZero);
    }

    /// <summary>Mantissa and exponent with every factor of ten moved into the exponent, then the exponent lowered to a multiple of 3.</summary>
    private (BigInteger Mantissa, int Exponent) DecimalCanonical()
    {
        var mantissa = Mantissa;
        var exponent = Scale;
        if (mantissa.IsZero)
        {
            return (mantissa, 0);
        }

        while ((mantissa % 10).IsZero)
        {
            mantissa /= 10;
            exponent++;
        }

        var down = ((exponent % 3) + 3) % 3;
        return (mantissa * BigInteger.Pow(10, down), exponent - down);
    }

    private static string? DecimalSuffix(int exponent) => exponent switch
    {
        -9 => "n",
        -6 => "u",
        -3 => "m",
        0 => "",
        3 => "k",
        6 => "M",
        9 => "G",
        12 => "T",
        15 => "P",
        18 => "E",
        _ => null,
    };

    private static bool TryParseSuffix(string suffix, out QuantityFormat format, out int binaryExponent, out int decimalExponent)
    {
        format = QuantityFormat.DecimalSI;
        binaryExponent = 0;
        decimalExponent = 0;
        var binary = Array.IndexOf(BinarySuffixes, suffix);
        if (binary > 0)
        {
            format = QuantityFormat.BinarySI;
            binaryExponent = binary * 10;
            return true;
        }

        switch (suffix)
        {
            case "n": decimalExponent = -9; return true;
            case "u": decimalExponent = -6; return true;
            case "m": decimalExponent = -3; return true;
            case "": return true;
            case "k": decimalExponent = 3; return true;
            case "M": decimalExponent = 6; return true;
            case "G": decimalExponent = 9; return true;
            case "T": decimalExponent = 12; return true;
            case "P": decimalExponent = 15; return true;
            case "E": decimalExponent = 18; return true;
        }

        if (suffix.Length >= 2 && suffix[0] is 'e' or 'E')
        {
            var rest = suffix[1..];
            var body = rest[0] is '+' or '-' ? rest[1..] : rest;
            if (body.Length is > 0 and <= 9 && body.All(char.IsAsciiDigit))
            {
                format = QuantityFormat.DecimalExponent;
                decimalExponent = int.Parse(rest, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
                return true;
            }
        }

        return false;
    }

    private static (BigInteger Mantissa, int Scale) RoundUpToNano(BigInteger mantissa, int scale)
    {
        if (mantissa.IsZero)
        {
            return (mantissa, 0);
        }

        if (scale >= MinScale)
        {
            return (mantissa, scale);
        }

        var rounded = new Quantity(mantissa, scale, QuantityFormat.DecimalSI).RoundUp(MinScale);
        return (rounded.Mantissa, rounded.Scale);
    }
}

/// <summary>The suffix family of a quantity, kept by canonicalization.</summary>
public enum QuantityFormat
{
    DecimalSI,
    BinarySI,
    DecimalExponent,
}

/// <summary>The message a server gives for a string that is not a quantity.</summary>
public static class QuantityRules
{
    public const string Message = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
}
