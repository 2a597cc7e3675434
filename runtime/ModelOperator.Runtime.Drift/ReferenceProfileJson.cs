using System.Text.Json;
using System.Text.Json.Serialization;

namespace ModelOperator.Runtime.Drift;

/// <summary>
/// Reads and writes <see cref="ReferenceProfile"/> as JSON (format documented in docs/drift-profile.md).
/// The <c>formatVersion</c> is checked before anything else; a file of another version is refused with a clear message.
/// </summary>
public static class ReferenceProfileJson
{
    public static string Serialize(ReferenceProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return JsonSerializer.Serialize(ToDocument(profile), ProfileJsonContext.Default.ProfileDocument);
    }

    public static void Write(ReferenceProfile profile, Stream output)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(output);
        JsonSerializer.Serialize(output, ToDocument(profile), ProfileJsonContext.Default.ProfileDocument);
    }

    /// <exception cref="InvalidDataException">The text is not JSON, has another format version, or describes an invalid profile.</exception>
    public static ReferenceProfile Deserialize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Parse(System.Text.Encoding.UTF8.GetBytes(json));
    }

    /// <exception cref="InvalidDataException">The stream is not JSON, has another format version, or describes an invalid profile.</exception>
    public static ReferenceProfile Read(Stream input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var buffer = new MemoryStream();
        input.CopyTo(buffer);
        return Parse(buffer.ToArray());
    }

    private static ReferenceProfile Parse(byte[] utf8)
    {
        CheckVersion(utf8);
        ProfileDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(utf8, ProfileJsonContext.Default.ProfileDocument);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The drift profile does not have the expected shape: {e.Message}", e);
        }

        if (document is null)
        {
            throw new InvalidDataException("The drift profile is the JSON value null; expected an object.");
        }

        try
        {
            return FromDocument(document);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"The drift profile is invalid: {e.Message}", e);
        }
    }

    private static void CheckVersion(byte[] utf8)
    {
        JsonDocument parsed;
        try
        {
            parsed = JsonDocument.Parse(utf8);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The drift profile is not valid JSON: {e.Message}", e);
        }

        using (parsed)
        {
            if (parsed.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"The drift profile must be a JSON object, not {parsed.RootElement.ValueKind}.");
            }

            if (!parsed.RootElement.TryGetProperty("formatVersion", out JsonElement version))
            {
                throw new InvalidDataException($"The drift profile has no \"formatVersion\"; this build reads format version {ReferenceProfile.CurrentFormatVersion}.");
            }

            if (version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out int v) || v != ReferenceProfile.CurrentFormatVersion)
            {
                throw new InvalidDataException(
                    $"The drift profile has formatVersion {version.GetRawText()}, which this build cannot read; it reads format version {ReferenceProfile.CurrentFormatVersion} only.");
            }
        }
    }

    private static ProfileDocument ToDocument(ReferenceProfile profile) => new()
    {
        FormatVersion = profile.FormatVersion,
        RowCount = profile.RowCount,
        Features = [.. profile.Features.Select(ToDocument)],
        Outputs = [.. profile.Outputs.Select(ToDocument)],
    };

    private static SeriesDocument ToDocument(SeriesProfile series) => new()
    {
        Name = series.Name,
        Kind = series.Kind == SeriesKind.Numeric ? "numeric" : "categorical",
        Min = series.Min,
        Max = series.Max,
        Edges = series.Kind == SeriesKind.Numeric ? [.. series.Edges] : null,
        Categories = series.Kind == SeriesKind.Categorical ? [.. series.Categories] : null,
        Proportions = [.. series.Proportions],
    };

    private static ReferenceProfile FromDocument(ProfileDocument document)
    {
        if (document.Features is null)
        {
            throw new ArgumentException("\"features\" is missing; list one entry per model input feature.");
        }

        return new ReferenceProfile(
            [.. document.Features.Select((s, i) => FromDocument(s, $"features[{i}]"))],
            [.. (document.Outputs ?? []).Select((s, i) => FromDocument(s, $"outputs[{i}]"))],
            document.RowCount ?? throw new ArgumentException("\"rowCount\" is missing; give the number of reference rows (≥ 1)."));
    }

    private static SeriesProfile FromDocument(SeriesDocument? series, string path)
    {
        if (series is null)
        {
            throw new ArgumentException($"{path} is null; expected an object.");
        }

        SeriesKind kind = series.Kind switch
        {
            "numeric" => SeriesKind.Numeric,
            "categorical" => SeriesKind.Categorical,
            _ => throw new ArgumentException($"{path} (\"{series.Name}\"): kind is \"{series.Kind}\"; allowed: \"numeric\", \"categorical\"."),
        };

        try
        {
            return new SeriesProfile(
                series.Name ?? throw new ArgumentException("name is missing."),
                kind,
                series.Min ?? throw new ArgumentException("min is missing."),
                series.Max ?? throw new ArgumentException("max is missing."),
                series.Edges,
                series.Categories,
                series.Proportions ?? throw new ArgumentException("proportions is missing."));
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{path}: {e.Message}", e);
        }
    }

    internal sealed class ProfileDocument
    {
        public int FormatVersion { get; set; }

        public long? RowCount { get; set; }

        public List<SeriesDocument?>? Features { get; set; }

        public List<SeriesDocument?>? Outputs { get; set; }
    }

    internal sealed class SeriesDocument
    {
        public string? Name { get; set; }

        public string? Kind { get; set; }

        public double? Min { get; set; }

        public double? Max { get; set; }

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public List<double>? Edges { get; set; }

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public List<double>? Categories { get; set; }

        public List<double>? Proportions { get; set; }
    }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(ReferenceProfileJson.ProfileDocument))]
internal sealed partial class ProfileJsonContext : JsonSerializerContext
{
}
