using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Http;
using ModelOperator.Contracts;
using ModelOperator.Runtime.Server.Hosting;
using ModelOperator.Testing;
using static ModelOperator.Runtime.Server.Tests.Shadow.MirroringServers;

namespace ModelOperator.Runtime.Server.Tests.Shadow;

/// <summary>
/// Requests in the binary data extension (as tritonclient and KServe's clients send them by default), compressed ones and
/// mixed ones are mirrored so the candidate reads the same request, and answers in either form are compared.
/// </summary>
public sealed class BinaryMirroringTests
{
    private const string Output = "churn_probability";

    /// <summary>One way a user may send the churn request: its body as sent, the JSON length, the coding, and whether the answer comes in binary.</summary>
    public sealed record Form(string Name, byte[] Json, byte[] Tail, string? Coding, bool BinaryAnswer)
    {
        /// <summary>The body the server parses (and the candidate must get): the JSON and the binary data after it.</summary>
        public byte[] Decoded => [.. Json, .. Tail];

        /// <summary>The header length sent, -1 for a plain JSON request.</summary>
        public long HeaderLength => Tail.Length > 0 ? Json.Length : -1;

        public override string ToString() => Name;
    }

    private static readonly string BinaryOutputs = "{\"parameters\":{\"binary_data_output\":true}," + BinaryRequestCorpus.Header()[1..];
    private static readonly string JsonInputBinaryOutput =
        "{\"inputs\":[{\"name\":\"features\",\"shape\":[1,8],\"datatype\":\"FP32\",\"data\":[35,28.72,5,1,5,14,0,4]}],\"outputs\":[{\"name\":\"" + Output + "\",\"parameters\":{\"binary_data\":true}}]}";

    private static readonly Dictionary<string, Form> Forms = new Form[]
    {
        new("binary request, binary outputs", Encoding.UTF8.GetBytes(BinaryOutputs), BinaryRequestCorpus.Row, null, BinaryAnswer: true),
        new("binary request, JSON outputs", Encoding.UTF8.GetBytes(BinaryRequestCorpus.Header()), BinaryRequestCorpus.Row, null, BinaryAnswer: false),
        new("JSON inputs, a binary output", Encoding.UTF8.GetBytes(JsonInputBinaryOutput), [], null, BinaryAnswer: true),
        new("gzip binary request, binary outputs", Encoding.UTF8.GetBytes(BinaryOutputs), BinaryRequestCorpus.Row, "gzip", BinaryAnswer: true),
        new("deflate JSON request", Encoding.UTF8.GetBytes(BinaryRequestCorpus.Header(extra: ",\"data\":[35,28.72,5,1,5,14,0,4]").Replace(",\"parameters\":{\"binary_data_size\":32}", string.Empty, StringComparison.Ordinal)), [], "deflate", BinaryAnswer: false),
    }.ToDictionary(f => f.Name);

    public static TheoryData<string> FormNames => [.. Forms.Keys];

    private static async Task<HttpResponseMessage> SendAsync(ServerFixture server, string model, Form form)
    {
        var body = form.Coding is null ? form.Decoded : CompressedRequestTests.Compress(form.Decoded, form.Coding);
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(form.HeaderLength >= 0 ? BinaryRequestCorpus.OctetStream : "application/json");
        if (form.Coding is not null)
        {
            content.Headers.ContentEncoding.Add(form.Coding);
        }

        using var message = new HttpRequestMessage(HttpMethod.Post, $"/v2/models/{model}/infer") { Content = content };
        if (form.HeaderLength >= 0)
        {
            message.Headers.Add("Inference-Header-Content-Length", form.HeaderLength.ToString(CultureInfo.InvariantCulture));
        }

        var response = await server.Client.SendAsync(message);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return response;
    }

    [Theory]
    [MemberData(nameof(FormNames))]
    public async Task Every_form_is_mirrored_so_a_same_model_candidate_reads_it_and_every_copy_agrees(string name)
    {
        // Given a candidate server of the same model and a stable server that mirrors 100 % to it
        var form = Forms[name];
        await using var candidate = await ServerFixture.StartAsync();
        await using var stable = await StartStableAsync(candidate.BaseAddress.ToString(), percent: 100, tolerance: 1e-6);

        // When users send 3 requests in this form
        for (var i = 0; i < 3; i++)
        {
            using var answer = await SendAsync(stable, "churn", form);
            Assert.Equal(form.BinaryAnswer, answer.Headers.Contains("Inference-Header-Content-Length"));
        }

        // Then the candidate answered every copy, and every copy was compared and agreed exactly
        var samples = await WaitForAsync(stable, s => Copies(s, ShadowContract.Compared) + Copies(s, ShadowContract.Failed) == 3);
        Assert.Equal((3, 0), (Copies(samples, ShadowContract.Compared), Copies(samples, ShadowContract.Failed)));
        Assert.Equal(3, Value(samples, ShadowContract.Agreements));
        Assert.Equal(3, Value(samples, ShadowContract.AbsoluteDifference + "_bucket", ("output", Output), ("le", "0")));
        Assert.Equal(3, Value(await ScrapeAsync(candidate), ModelServerMetricNames.Requests, ("outcome", "success")));
    }

    [Theory]
    [MemberData(nameof(FormNames))]
    public async Task A_shifted_candidate_gets_the_decoded_request_with_its_header_length_and_disagrees(string name)
    {
        // Given a candidate that keeps what it was sent and answers 0.9 in the form the request asked for
        var form = Forms[name];
        var received = new ConcurrentQueue<(string? ContentType, string? HeaderLength, string? Coding, byte[] Body)>();
        await using var origin = await FileOrigin.StartAsync(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            received.Enqueue((context.Request.ContentType, context.Request.Headers["Inference-Header-Content-Length"].FirstOrDefault(), context.Request.Headers.ContentEncoding.FirstOrDefault(), body.ToArray()));
            await ShiftedAnswerAsync(context, form.BinaryAnswer, 0.9f);
        });
        await using var stable = await StartStableAsync(origin.Url("/"), percent: 100, tolerance: 0.01);

        // When a user sends the request in this form
        using var answer = await SendAsync(stable, "churn", form);

        // Then the copy is compared and disagrees, top class included
        var samples = await WaitForAsync(stable, s => Copies(s, ShadowContract.Compared) + Copies(s, ShadowContract.Failed) == 1);
        Assert.Equal((1, 0), (Copies(samples, ShadowContract.Compared), Copies(samples, ShadowContract.Failed)));
        Assert.Equal(0, Value(samples, ShadowContract.Agreements));
        Assert.Equal(1, Value(samples, ShadowContract.TopClass, ("output", Output), (ShadowContract.TopClassLabel, "disagree")));

        // And the candidate got the body the stable server parsed (decoded), framed as the user framed it
        var copy = Assert.Single(received);
        Assert.Equal(form.Decoded, copy.Body);
        Assert.Null(copy.Coding);
        Assert.Equal(form.HeaderLength >= 0 ? form.HeaderLength.ToString(CultureInfo.InvariantCulture) : null, copy.HeaderLength);
        Assert.Equal(form.HeaderLength >= 0 ? BinaryRequestCorpus.OctetStream : "application/json", copy.ContentType);
    }

    /// <summary>The churn answer with a probability of <paramref name="probability"/>, in binary or in JSON.</summary>
    private static async Task ShiftedAnswerAsync(HttpContext context, bool binary, float probability)
    {
        if (!binary)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(string.Create(CultureInfo.InvariantCulture,
                $$"""{"outputs":[{"name":"{{Output}}","datatype":"FP32","shape":[1,1],"data":[{{probability}}]}]}"""));
            return;
        }

        var json = Encoding.UTF8.GetBytes($$$"""{"outputs":[{"name":"{{{Output}}}","datatype":"FP32","shape":[1,1],"parameters":{"binary_data_size":4}}]}""");
        var value = new byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(value, probability);
        context.Response.ContentType = BinaryRequestCorpus.OctetStream;
        context.Response.Headers["Inference-Header-Content-Length"] = json.Length.ToString(CultureInfo.InvariantCulture);
        await context.Response.Body.WriteAsync(json);
        await context.Response.Body.WriteAsync(value);
    }

    [Fact]
    public async Task A_request_mixing_binary_and_json_inputs_and_outputs_with_bytes_is_mirrored_and_agrees()
    {
        // Given stable and candidate servers of the strings model (BYTES and INT64 inputs, a BYTES and an INT64 output)
        static ServerOptions Strings(ServerOptions o) => o with { ModelName = "strings", ModelUri = ServerFixture.ModelPath("strings", 1) };
        await using var candidate = await ServerFixture.StartAsync(Strings);
        await using var stable = await StartStableAsync(candidate.BaseAddress.ToString(), percent: 100, tolerance: 0, Strings);
        var (json, tail) = TypedCase.MixedStringsRequest();
        var form = new Form("strings, mixed", json, tail, null, BinaryAnswer: true);

        // When a user sends it twice
        for (var i = 0; i < 2; i++)
        {
            using var answer = await SendAsync(stable, "strings", form);
        }

        // Then both copies were compared output by output (the BYTES one in binary) and agreed
        var samples = await WaitForAsync(stable, s => Copies(s, ShadowContract.Compared) + Copies(s, ShadowContract.Failed) == 2);
        Assert.Equal((2, 0), (Copies(samples, ShadowContract.Compared), Copies(samples, ShadowContract.Failed)));
        Assert.Equal(2, Value(samples, ShadowContract.Agreements));
        Assert.Equal(2, Value(samples, ShadowContract.AbsoluteDifference + "_bucket", ("output", "colour_out"), ("le", "0")));
        Assert.Equal(2, Value(samples, ShadowContract.AbsoluteDifference + "_bucket", ("output", "colour_id"), ("le", "0")));
    }
}
