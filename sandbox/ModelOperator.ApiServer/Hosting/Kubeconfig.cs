namespace ModelOperator.ApiServer.Hosting;

/// <summary>Writes a kubeconfig that points kubectl (or any client) at a server over plain HTTP.</summary>
public static class Kubeconfig
{
    public const string ContextName = "fake-apiserver";

    /// <summary>The kubeconfig text; <paramref name="token"/> is the bearer token (a placeholder when the server requires none).</summary>
    public static string Render(Uri server, string defaultNamespace = "default", string? token = null) =>
        $$"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: {{ContextName}}
          cluster:
            server: {{server.GetLeftPart(UriPartial.Authority)}}
        users:
        - name: {{ContextName}}
          user:
            token: {{token ?? "fake-token"}}
        contexts:
        - name: {{ContextName}}
          context:
            cluster: {{ContextName}}
            user: {{ContextName}}
            namespace: {{defaultNamespace}}
        current-context: {{ContextName}}
        preferences: {}

        """;

    /// <summary>Writes the kubeconfig to <paramref name="path"/> (creating folders) and returns the full path.</summary>
    public static string Write(string path, Uri server, string defaultNamespace = "default", string? token = null)
    {
        var full = Path.GetFullPath(path);
        if (Path.GetDirectoryName(full) is { } dir)
        {
            Directory.CreateDirectory(dir);
        }

        File.WriteAllText(full, Render(server, defaultNamespace, token));
        return full;
    }
}
