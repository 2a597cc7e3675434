using System.Net.Http.Headers;
using System.Text;

namespace ModelOperator.Testing;

/// <summary>
/// Installs a CRD from its YAML file by server-side apply over HTTP, with a bearer token. For API servers that require a
/// token: the real kubectl sends none over plain http, so <c>kubectl apply</c> cannot install it there.
/// </summary>
public static class CrdInstaller
{
    public static async Task ApplyAsync(Uri server, string token, string crdFile)
    {
        using var http = new HttpClient { BaseAddress = server };
        var name = Path.GetFileNameWithoutExtension(crdFile);
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"apis/apiextensions.k8s.io/v1/customresourcedefinitions/{name}?fieldManager=tests")
        {
            Content = new StringContent(await File.ReadAllTextAsync(crdFile), Encoding.UTF8, "application/apply-patch+yaml"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }
}
