using System.Net;

namespace ModelOperator.Benchmarks;

/// <summary>
/// The HTTP ceiling: a minimal Kestrel endpoint that reads a JSON body and writes it back, with
/// the same server settings as the inference server. Nothing can answer faster over the same stack.
/// </summary>
internal static class EchoServer
{
    public static async Task RunAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, port);
        });
        var app = builder.Build();
        app.MapPost("/echo", async context =>
        {
            var reader = context.Request.BodyReader;
            while (true)
            {
                var read = await reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
                if (read.IsCompleted)
                {
                    var body = read.Buffer;
                    context.Response.ContentType = "application/json";
                    context.Response.ContentLength = body.Length;
                    foreach (var segment in body)
                    {
                        await context.Response.BodyWriter.WriteAsync(segment, context.RequestAborted).ConfigureAwait(false);
                    }

                    reader.AdvanceTo(body.End);
                    return;
                }

                reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
            }
        });
        app.MapGet("/ready", () => "ok");
        await app.RunAsync().ConfigureAwait(false);
    }
}
