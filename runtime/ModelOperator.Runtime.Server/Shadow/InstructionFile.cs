using System.Globalization;
using System.Text.Json;
using ModelOperator.Contracts;

namespace ModelOperator.Runtime.Server.Shadow;

/// <summary>
/// Turns the instruction file's content (<see cref="ShadowContract"/>) into a <see cref="MirrorPlan"/>: pure, so every
/// way the file can be wrong is a table test. Anything not exactly right means "mirror nothing", with a reason that
/// never repeats the target (it may carry credentials a user pasted by mistake).
/// </summary>
internal static class InstructionFile
{
    /// <summary>A ConfigMap holds at most 1 MiB; an instruction is a few hundred bytes. More is not an instruction.</summary>
    public const int MaxBytes = 64 * 1024;

    public const string AllowedTarget = "an absolute http:// or https:// URL with a host and no user info, query or fragment, e.g. http://churn-04115c9a7b.ns.svc:8080";

    /// <summary>The plan for the file's bytes; null bytes mean the file is not there.</summary>
    public static MirrorPlan Plan(ReadOnlySpan<byte> content, string? ownRevision, string modelName)
    {
        if (ownRevision is null)
        {
            return MirrorPlan.Off($"{ShadowContract.RevisionEnv} is not set, so no instruction can name this server; mirroring nothing");
        }

        if (content.Length > MaxBytes)
        {
            return MirrorPlan.Refused($"the instruction file is larger than {MaxBytes} bytes; mirroring nothing");
        }

        string source;
        string target;
        double percent;
        double tolerance;
        try
        {
            using var document = JsonDocument.Parse(content.ToArray(), new JsonDocumentOptions { MaxDepth = 4 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return MirrorPlan.Refused("the instruction file is not a JSON object; mirroring nothing");
            }

            source = Text(root, "source");
            target = Text(root, "target");
            percent = Number(root, "percent");
            tolerance = Number(root, "tolerance");
        }
        catch (JsonException ex)
        {
            // The parser's message names the position, never the content.
            return MirrorPlan.Refused($"the instruction file is not valid: {ex.Message}; mirroring nothing");
        }
        catch (FormatException ex)
        {
            return MirrorPlan.Refused($"the instruction file is not valid: {ex.Message}; mirroring nothing");
        }

        if (!string.Equals(source, ownRevision, StringComparison.Ordinal))
        {
            return MirrorPlan.Off($"the instruction is for revision {Shorten(source)}, not this one ({ownRevision}); mirroring nothing");
        }

        if (percent is < 0 or > 100 || !double.IsFinite(percent))
        {
            return MirrorPlan.Refused($"percent {percent.ToString(CultureInfo.InvariantCulture)} is not from 0 to 100; mirroring nothing");
        }

        if (tolerance < 0 || !double.IsFinite(tolerance))
        {
            return MirrorPlan.Refused($"tolerance {tolerance.ToString(CultureInfo.InvariantCulture)} is not a number of 0 or more; mirroring nothing");
        }

        if (InferUri(target, modelName) is not { } inferUri)
        {
            return MirrorPlan.Refused($"the target is refused: it must be {AllowedTarget}; mirroring nothing");
        }

        var state = percent == 0
            ? $"the instruction mirrors 0% to {inferUri.GetLeftPart(UriPartial.Authority)}; mirroring nothing"
            : $"mirroring {percent.ToString(CultureInfo.InvariantCulture)}% of requests to {inferUri.GetLeftPart(UriPartial.Authority)} (tolerance {tolerance.ToString(CultureInfo.InvariantCulture)})";
        return new MirrorPlan(state, inferUri, percent, tolerance);
    }

    /// <summary><c>{target}/v2/models/{name}/infer</c> when the target is allowed (<see cref="AllowedTarget"/>), else null.</summary>
    public static Uri? InferUri(string target, string modelName)
    {
        if (!Uri.TryCreate(target, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || uri.Host.Length == 0
            || uri.UserInfo.Length > 0
            || uri.Query.Length > 0
            || uri.Fragment.Length > 0)
        {
            return null;
        }

        var basePath = uri.AbsolutePath.TrimEnd('/');
        return new Uri($"{uri.GetLeftPart(UriPartial.Authority)}{basePath}/v2/models/{Uri.EscapeDataString(modelName)}/infer");
    }

    private static string Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw new FormatException($"\"{name}\" must be a non-empty string");

    private static double Number(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number)
            ? number
            : throw new FormatException($"\"{name}\" must be a number");

    private static string Shorten(string text) => text.Length <= 63 ? text : text[..63] + "…";
}
