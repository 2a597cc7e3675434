using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using ModelOperator.ApiServer.Errors;
using ModelOperator.ApiServer.Resources;

namespace ModelOperator.ApiServer.Http;

/// <summary>Writes JSON answers: single objects, lists (streamed without copying items) and Status errors.</summary>
internal static class JsonResponses
{
    public const string Json = "application/json";

    public static async Task WriteAsync(HttpContext context, int statusCode, JsonNode body)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            body.WriteTo(writer);
        }

        await WriteBytesAsync(context, statusCode, buffer.WrittenMemory).ConfigureAwait(false);
    }

    public static async Task WriteStatusAsync(HttpContext context, ApiException error)
    {
        if (error.RetryAfterSeconds is { } retry)
        {
            context.Response.Headers.RetryAfter = retry.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        await WriteAsync(context, error.Code, error.ToStatus()).ConfigureAwait(false);
    }

    /// <summary>A list (<c>{Kind}List</c>) whose items are written straight from the store, apiVersion and kind first.</summary>
    public static async Task WriteListAsync(HttpContext context, ResourceType type, IReadOnlyList<JsonObject> items, string resourceVersion, string? continueToken, long? remainingItemCount = null)
    {
        var buffer = new ArrayBufferWriter<byte>(Math.Max(256, items.Count * 512));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("apiVersion", type.ApiVersion);
            writer.WriteString("kind", type.ListKind);
            writer.WriteStartObject("metadata");
            writer.WriteString("resourceVersion", resourceVersion);
            if (!string.IsNullOrEmpty(continueToken))
            {
                writer.WriteString("continue", continueToken);
            }

            if (remainingItemCount is { } remaining)
            {
                writer.WriteNumber("remainingItemCount", remaining);
            }

            writer.WriteEndObject();
            writer.WriteStartArray("items");
            foreach (var item in items)
            {
                WriteObject(writer, type, item);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        await WriteBytesAsync(context, 200, buffer.WrittenMemory).ConfigureAwait(false);
    }

    /// <summary>Writes a stored object as the requested version presents it, without cloning it.</summary>
    public static void WriteObject(Utf8JsonWriter writer, ResourceType type, JsonObject obj)
    {
        if (type.StoredForm is { } form)
        {
            obj = form.FromStorage(obj);
        }

        writer.WriteStartObject();
        writer.WriteString("apiVersion", type.ApiVersion);
        writer.WriteString("kind", type.Kind);
        foreach (var (key, value) in obj)
        {
            if (key is "apiVersion" or "kind")
            {
                continue;
            }

            writer.WritePropertyName(key);
            if (value is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                value.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
    }

    private static async Task WriteBytesAsync(HttpContext context, int statusCode, ReadOnlyMemory<byte> bytes)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = Json;
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
    }
}
