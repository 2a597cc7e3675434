using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ModelOperator.Runtime.Server.Tests;

/// <summary>
/// Every datatype in and out of a real server over REST, in JSON and in the binary data extension,
/// checked against the type examples' expected outputs (which ONNX Runtime must match exactly).
/// </summary>
public sealed class TensorTypeEndpointTests
{
    public static TheoryData<string, int> Models()
    {
        var data = new TheoryData<string, int>();
        foreach (var model in TypedCase.Models)
        {
            data.Add(model, 0);
            data.Add(model, 8); // batched where the model allows it (the strings model runs unbatched)
        }

        return data;
    }

    private static Task<ServerFixture> StartAsync(string model, int maxBatchSize) =>
        ServerFixture.StartAsync(o => o with { ModelName = model, ModelUri = ServerFixture.ModelPath(model, 1), MaxBatchSize = maxBatchSize });

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Every_type_goes_through_JSON_and_comes_back_as_ONNX_Runtime_computed_it(string model, int maxBatchSize)
    {
        await using var server = await StartAsync(model, maxBatchSize);
        Assert.True(server.Settled.Ready, server.Settled.Message);
        var @case = TypedCase.Load(model);

        // A few at once, so that a batching server joins them.
        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostAsync(server, @case.Request(binary: false))));

        foreach (var response in responses)
        {
            using (response)
            {
                var text = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.OK, text);
                Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
                var outputs = JsonDocument.Parse(text).RootElement.GetProperty("outputs").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!);
                Assert.Equal(@case.Outputs.Select(o => o.Name).Order(), outputs.Keys.Order());
                foreach (var expected in @case.Outputs)
                {
                    var actual = outputs[expected.Name];
                    Assert.Equal(expected.Datatype, actual.GetProperty("datatype").GetString());
                    Assert.Equal(expected.Shape, actual.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
                    Assert.True(
                        expected.Bytes().SequenceEqual(TypedTensor.ToBytes(expected.Datatype, actual.GetProperty("data").GetRawText())),
                        $"{model} output {expected.Name}: expected {expected.Data}, got {actual.GetProperty("data").GetRawText()}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Every_type_goes_through_the_binary_extension_and_comes_back_in_binary(string model, int maxBatchSize)
    {
        await using var server = await StartAsync(model, maxBatchSize);
        var @case = TypedCase.Load(model);

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostAsync(server, @case.Request(binary: true), binary: true)));

        foreach (var response in responses)
        {
            using (response)
            {
                var body = await response.Content.ReadAsByteArrayAsync();
                Assert.True(response.StatusCode == HttpStatusCode.OK, Encoding.UTF8.GetString(body));
                Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
                var headerLength = int.Parse(response.Headers.GetValues("Inference-Header-Content-Length").Single(), System.Globalization.CultureInfo.InvariantCulture);
                var outputs = JsonDocument.Parse(body.AsMemory(0, headerLength)).RootElement.GetProperty("outputs");
                var offset = headerLength;
                foreach (var output in outputs.EnumerateArray())
                {
                    var expected = @case.Outputs.Single(o => o.Name == output.GetProperty("name").GetString());
                    Assert.False(output.TryGetProperty("data", out _), "a binary output carries no JSON data");
                    Assert.Equal(expected.Shape, output.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
                    var size = output.GetProperty("parameters").GetProperty("binary_data_size").GetInt32();
                    Assert.Equal(expected.Bytes(), body.AsSpan(offset, size).ToArray());
                    offset += size;
                }

                Assert.Equal(body.Length, offset);
            }
        }
    }

    [Fact]
    public async Task Binary_and_JSON_inputs_mix_and_only_the_outputs_asked_for_come_in_binary()
    {
        await using var server = await StartAsync("strings", 0);
        var (json, colourBytes) = TypedCase.MixedStringsRequest();

        using var response = await PostAsync(server, ([.. json, .. colourBytes], json.Length), binary: true);
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, Encoding.UTF8.GetString(body));
        var headerLength = int.Parse(response.Headers.GetValues("Inference-Header-Content-Length").Single(), System.Globalization.CultureInfo.InvariantCulture);
        var outputs = JsonDocument.Parse(body.AsMemory(0, headerLength)).RootElement.GetProperty("outputs");
        Assert.Equal("[0,2,-1,-1]", outputs[0].GetProperty("data").GetRawText());
        Assert.Equal(colourBytes, body[headerLength..]);
    }

    [Theory]
    [InlineData("integers", "i8", "INT8", "[[1,2],[3,128]]", "element 3 is 128; expected an integer from -128 to 127")]
    [InlineData("integers", "u64", "UINT64", "[[1,2],[3,-1]]", "element 3 is -1; expected an integer from 0 to 18446744073709551615")]
    [InlineData("integers", "flags", "BOOL", "[[true,false],[1,true]]", "element 2 is 1; expected true or false")]
    [InlineData("floats", "h", "FP16", "[[1,2],[3,65536]]", "element 3 is 65536; expected a number from -65504 to 65504")]
    [InlineData("strings", "colour", "BYTES", "[[\"red\",7],[\"a\",\"b\"]]", "element 1 is 7; expected a string")]
    public async Task A_value_outside_its_type_is_a_400_naming_the_tensor_and_the_next_request_works(string model, string input, string datatype, string data, string expected)
    {
        await using var server = await StartAsync(model, 0);
        var @case = TypedCase.Load(model);
        var json = Encoding.UTF8.GetString(@case.Request(binary: false).Body);
        var good = @case.Inputs.Single(i => i.Name == input);
        var bad = json.Replace(
            $"\"name\":\"{input}\",\"datatype\":\"{datatype}\",\"shape\":{good.ShapeJson},\"data\":{good.Data}",
            $"\"name\":\"{input}\",\"datatype\":\"{datatype}\",\"shape\":{good.ShapeJson},\"data\":{data}",
            StringComparison.Ordinal);
        Assert.NotEqual(json, bad);

        using var refused = await server.PostJsonAsync($"/v2/models/{model}/infer", bad);
        using var next = await server.PostJsonAsync($"/v2/models/{model}/infer", json);

        var error = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString();
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains($"input \"{input}\" ({datatype}): {expected}", error, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    internal static Task<HttpResponseMessage> PostAsync(ServerFixture server, (byte[] Body, int HeaderLength) request, bool binary = false)
    {
        var content = new ByteArrayContent(request.Body);
        content.Headers.ContentType = new MediaTypeHeaderValue(binary ? "application/octet-stream" : "application/json");
        var message = new HttpRequestMessage(HttpMethod.Post, $"/v2/models/{server.Options.ModelName}/infer") { Content = content };
        if (binary)
        {
            message.Headers.Add("Inference-Header-Content-Length", request.HeaderLength.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return server.Client.SendAsync(message);
    }
}
