using System.Text.Json;

namespace ModelOperator.Runtime.Server.Inference;

/// <summary>Small JSON responses (errors, health, metadata) written without reflection.</summary>
internal static class JsonResponses
{
    public const string ContentType = "application/json";

    /// <summary>Writes <c>{"error": message}</c> with the status code; bad input always gets this body.</summary>
    public static Task ErrorAsync(HttpContext context, int statusCode, string message, string? reason = null) =>
        WriteAsync(context, statusCode, w =>
        {
            w.WriteString("error", message);
            if (reason is not null)
            {
                w.WriteString("reason", reason);
            }
        });

    /// <summary>Writes one JSON object whose members <paramref name="members"/> writes.</summary>
    public static async Task WriteAsync(HttpContext context, int statusCode, Action<Utf8JsonWriter> members)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(members);
        var buffer = ResponseBuffer.Pool.Get();
        try
        {
            buffer.Writer.WriteStartObject();
            members(buffer.Writer);
            buffer.Writer.WriteEndObject();
            var body = buffer.Written;
            context.Response.StatusCode = statusCode;
            context.Response.ContentType = ContentType;
            context.Response.ContentLength = body.Length;
            await context.Response.BodyWriter.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        }
        finally
        {
            ResponseBuffer.Pool.Return(buffer);
        }
    }
}
