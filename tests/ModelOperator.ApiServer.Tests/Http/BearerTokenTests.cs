using System.Net.Http.Headers;
using ModelOperator.ApiServer.Hosting;
using ModelOperator.ApiServer.Tests.Support;

namespace ModelOperator.ApiServer.Tests.Http;

/// <summary>With <see cref="InMemoryApiServerOptions.RequiredBearerToken"/> set, the server answers as a real one does to a bad credential.</summary>
public sealed class BearerTokenTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong")]
    [InlineData("Basic czNjcmV0")]
    public async Task A_request_without_the_token_gets_401_with_a_status(string? authorization)
    {
        await using var h = await ServerHarness.StartAsync(new InMemoryApiServerOptions { RequiredBearerToken = "s3cret" });
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/namespaces");
        if (authorization is not null)
        {
            request.Headers.Authorization = AuthenticationHeaderValue.Parse(authorization);
        }

        using var response = await h.Http.SendAsync(request);
        var status = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(401, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Status", status["kind"]!.GetValue<string>());
        Assert.Equal("v1", status["apiVersion"]!.GetValue<string>());
        Assert.Equal("Failure", status["status"]!.GetValue<string>());
        Assert.Equal("Unauthorized", status["reason"]!.GetValue<string>());
        Assert.Equal(401, status["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_kubeconfig_it_writes_carries_the_token()
    {
        await using var h = await ServerHarness.StartAsync(new InMemoryApiServerOptions { RequiredBearerToken = "s3cret" });
        h.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret");

        var (code, _) = await h.GetAsync("/api/v1/namespaces");
        // Real kubectl (client-go) sends no bearer token over plain http, so it is refused here: documented in the README.
        var kubectl = await h.Kubectl.RunAsync("get", "namespaces", "-o", "name");

        Assert.Equal(200, code);
        Assert.Contains("token: s3cret", await File.ReadAllTextAsync(h.KubeconfigPath), StringComparison.Ordinal);
        Assert.NotEqual(0, kubectl.ExitCode);
        Assert.Contains("provide credentials", kubectl.Stderr, StringComparison.Ordinal);
    }
}
