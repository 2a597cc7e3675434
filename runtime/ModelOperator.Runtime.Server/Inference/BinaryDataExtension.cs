using Microsoft.Extensions.Primitives;

namespace ModelOperator.Runtime.Server.Inference;

/// <summary>
/// The HTTP side of the binary tensor data extension (as KServe and Triton define it): the
/// <c>Inference-Header-Content-Length</c> header says how many bytes of the body are the JSON
/// request; the rest is the raw data of the inputs that declare <c>binary_data_size</c>. A
/// response with binary outputs carries the same header and <c>application/octet-stream</c>.
/// </summary>
internal static class BinaryDataExtension
{
    public const string HeaderName = "Inference-Header-Content-Length";

    public const string ContentType = "application/octet-stream";

    /// <summary>
    /// The JSON length the request declares, -1 when it declares none, or an error message for a
    /// header that is not one non-negative integer.
    /// </summary>
    public static (long Length, string? Error) HeaderLength(HttpRequest request) =>
        request.Headers.TryGetValue(HeaderName, out StringValues values) ? HeaderLength(values) : (-1, null);

    /// <summary>The JSON length the header's <paramref name="values"/> give (a request's or an answer's), or the error message.</summary>
    public static (long Length, string? Error) HeaderLength(StringValues values)
    {
        if (values.Count == 1 && long.TryParse(values[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var length))
        {
            return (length, null);
        }

        var shown = values.ToString();
        shown = shown.Length <= 40 ? shown : shown[..40] + "…";
        return (-1, $"{HeaderName} must be one integer >= 0 (the bytes of JSON at the start of the body), got \"{shown}\"");
    }

    /// <summary>True for a Content-Type of application/octet-stream (any parameters).</summary>
    public static bool IsOctetStream(string? contentType) =>
        Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)
        && string.Equals(media.MediaType.Value, ContentType, StringComparison.OrdinalIgnoreCase);
}
