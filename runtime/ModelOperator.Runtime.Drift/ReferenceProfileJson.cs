using System.Text.Json;
using System.Text.Json.Serialization;

namespace ModelOperator.Runtime.Drift;

/// <summary>
/// Reads and writes <see cref="ReferenceProfile"/> as JSON (format documented in docs/drift-profile.md).
/// The <c>formatVersion</c> is checked before anything else: versions 1 and 2 are read (2 adds text series, whose
/// <c>values</c> a version 1 file may not hold); any other is refused with a clear message. A profile is written as
/// <see cref="ReferenceProfile.FormatVersion"/>, so one without text stays version 1.
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
        int version = CheckVersion(utf8);
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
            return FromDocument(document, version);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"The drift profile is invalid: {e.Message}", e);
        }
    }

    private static int CheckVersion(byte[] utf8)
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
                throw new InvalidDataException($"The drift profile has no \"formatVersion\"; this build reads format versions {Supported}.");
            }

            if (version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out int v)
                || v < ReferenceProfile.OldestFormatVersion || v > ReferenceProfile.CurrentFormatVersion)
            {
                throw new InvalidDataException(
                    $"The drift profile has formatVersion {version.GetRawText()}, which this build cannot read; it reads format versions {Supported}.");
            }

            return v;
        }
    }

    private static string Supported => $"{ReferenceProfile.OldestFormatVersion} to {ReferenceProfile.CurrentFormatVersion}";

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
        Min = series.IsText ? null : series.Min,
        Max = series.IsText ? null : series.Max,
        Edges = series.Kind == SeriesKind.Numeric ? [.. series.Edges] : null,
        Categories = series.Kind == SeriesKind.Categorical && !series.IsText ? [.. series.Categories] : null,
        Values = series.IsText ? [.. series.Values] : null,
        Proportions = [.. series.Proportions],
    };

    private static ReferenceProfile FromDocument(ProfileDocument document, int version)
    {
        if (document.Features is null)
        {
            throw new ArgumentException("\"features\" is missing; list one entry per model input feature.");
        }

        return new ReferenceProfile(
            [.. document.Features.Select((s, i) => FromDocument(s, $"features[{i}]", version))],
            [.. (document.Outputs ?? []).Select((s, i) => FromDocument(s, $"outputs[{i}]", version))],
            document.RowCount ?? throw new ArgumentException("\"rowCount\" is missing; give the number of reference rows (≥ 1)."));
    }

    private static SeriesProfile FromDocument(SeriesDocument? series, string path, int version)
    {
        if (series is null)
        {
            throw new ArgumentException($"{path} is null; expected an object.");
        }

        if (series.Values is not null)
        {
            return TextFromDocument(series, path, version);
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

    // A text series: categorical with "values" and without min, max, edges or categories.
    private static SeriesProfile TextFromDocument(SeriesDocument series, string path, int version)
    {
        string where = $"{path} (\"{series.Name}\")";
        if (version < 2)
        {
            throw new ArgumentException($"{where} lists text \"values\", which need formatVersion 2; this file says {version}.");
        }

        if (series.Kind != "categorical")
        {
            throw new ArgumentException($"{where}: kind is \"{series.Kind}\" but the series lists text \"values\"; text series are \"categorical\".");
        }

        if (series.Min is not null || series.Max is not null || series.Edges is not null || series.Categories is not null)
        {
            throw new ArgumentException($"{where} lists text \"values\" and also min, max, edges or categories; a text series has only name, kind, values and proportions.");
        }

        try
        {
            return new SeriesProfile(
                series.Name ?? throw new ArgumentException("name is missing."),
                series.Values!.Select((v, i) => v ?? throw new ArgumentException($"values[{i}] is null; values are strings.")).ToList(),
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

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public double? Min { get; set; }

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public double? Max { get; set; }

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public List<double>? Edges { get; set; }

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public List<double>? Categories { get; set; }

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public List<string?>? Values { get; set; }

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
