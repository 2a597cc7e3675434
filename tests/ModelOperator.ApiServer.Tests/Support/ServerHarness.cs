using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Hosting;

namespace ModelOperator.ApiServer.Tests.Support;

/// <summary>
/// One server per test with a temp folder, a kubeconfig, kubectl and an HttpClient aimed at it.
/// </summary>
internal sealed class ServerHarness : IAsyncDisposable
{
    private ServerHarness(InMemoryApiServer server, string dir)
    {
        Server = server;
        Dir = dir;
        KubeconfigPath = server.WriteKubeconfig(Path.Combine(dir, "kubeconfig"));
        Kubectl = new ModelOperator.Processes.Kubectl(KubeconfigPath, dir);
        Http = new HttpClient { BaseAddress = server.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    public InMemoryApiServer Server { get; }

    public string Dir { get; }

    public string KubeconfigPath { get; }

    public ModelOperator.Processes.Kubectl Kubectl { get; }

    public HttpClient Http { get; }

    public static async Task<ServerHarness> StartAsync(InMemoryApiServerOptions? options = null)
    {
        var dir = Path.Combine(Path.GetTempPath(), "apiserver-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var server = await InMemoryApiServer.StartAsync(options);
        return new ServerHarness(server, dir);
    }

    public async Task<(int Code, JsonObject Body)> SendAsync(HttpMethod method, string path, string? body = null, string contentType = "application/json", string? accept = null)
    {
        var (code, json, _) = await SendWithWarningsAsync(method, path, body, contentType, accept);
        return (code, json);
    }

    /// <summary>As <see cref="SendAsync"/>, plus the answer's <c>Warning</c> headers as sent.</summary>
    public async Task<(int Code, JsonObject Body, IReadOnlyList<string> Warnings)> SendWithWarningsAsync(HttpMethod method, string path, string? body = null, string contentType = "application/json", string? accept = null)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var json = text.Length == 0 ? new JsonObject() : JsonNode.Parse(text) as JsonObject ?? new JsonObject();
        var warnings = response.Headers.TryGetValues("Warning", out var values) ? values.ToList() : [];
        return ((int)response.StatusCode, json, warnings);
    }

    public Task<(int Code, JsonObject Body)> GetAsync(string path, string? accept = null) => SendAsync(HttpMethod.Get, path, accept: accept);

    public Task<(int Code, JsonObject Body)> PostAsync(string path, string body) => SendAsync(HttpMethod.Post, path, body);

    public Task<(int Code, JsonObject Body)> PutAsync(string path, string body) => SendAsync(HttpMethod.Put, path, body);

    public Task<(int Code, JsonObject Body)> PatchAsync(string path, string body, string contentType = "application/merge-patch+json") =>
        SendAsync(HttpMethod.Patch, path, body, contentType);

    public Task<(int Code, JsonObject Body)> DeleteAsync(string path, string? body = null) => SendAsync(HttpMethod.Delete, path, body);

    /// <summary>Creates an object and fails the test with the server's Status if that did not work.</summary>
    public async Task<JsonObject> CreateAsync(string collectionPath, string body)
    {
        var (code, json) = await PostAsync(collectionPath, body);
        Assert.True(code == 201, $"create at {collectionPath} answered {code}: {json}");
        return json;
    }

    public async Task InstallWidgetCrdAsync()
    {
        await CreateAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Manifests.WidgetCrdJson);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
            // A kubectl child may still hold a cache file; the temp folder is cleaned up later.
        }
    }
}
