namespace ModelOperator.Prometheus;

/// <summary>A label-value tuple compared by value, used as the key of a metric's children.</summary>
internal readonly struct LabelValues(string[] values) : IEquatable<LabelValues>
{
    public string[] Values { get; } = values;

    public bool Equals(LabelValues other)
    {
        if (Values.Length != other.Values.Length)
        {
            return false;
        }

        for (int i = 0; i < Values.Length; i++)
        {
            if (!string.Equals(Values[i], other.Values[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => obj is LabelValues other && Equals(other);

    public override int GetHashCode()
    {
        var hash = default(HashCode);
        foreach (string value in Values)
        {
            hash.Add(value, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }
}
