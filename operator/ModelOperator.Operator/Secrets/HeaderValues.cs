namespace ModelOperator.Operator.Secrets;

/// <summary>
/// The headers of one call with their values filled in, or why they could not be (a missing Secret or key, named, never
/// a value). <see cref="ToString"/> shows the names only, so the values cannot reach a log by accident.
/// </summary>
public sealed class HeaderValues
{
    private HeaderValues(IReadOnlyList<KeyValuePair<string, string>> values, string? problem)
    {
        Values = values;
        Problem = problem;
    }

    /// <summary>No headers.</summary>
    public static HeaderValues None { get; } = new([], null);

    /// <summary>Name and value of each header, in the spec's order; empty when <see cref="Problem"/> is set.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Values { get; }

    /// <summary>Why the headers could not be read, naming the header, Secret and key; null when they were.</summary>
    public string? Problem { get; }

    public static HeaderValues Of(IReadOnlyList<KeyValuePair<string, string>> values) => new(values, null);

    public static HeaderValues Unavailable(string problem) => new([], problem);

    /// <summary>The literal values of <paramref name="headers"/>, where no Secret can be read (a source built without a <see cref="SecretHeaderReader"/>).</summary>
    public static HeaderValues Literal(IReadOnlyList<Api.HttpHeader>? headers) =>
        headers?.FirstOrDefault(h => h.Value is null) is { } fromSecret
            ? Unavailable($"header {fromSecret.Name}: no Secret can be read here")
            : Of([.. (headers ?? []).Select(h => new KeyValuePair<string, string>(h.Name!, h.Value!))]);

    public override string ToString() => Problem ?? $"headers: {string.Join(", ", Values.Select(v => v.Key))}";
}
