using ModelOperator.Api;
using ModelOperator.Kubectl.Rendering;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Kubectl.Commands;

/// <summary><c>status</c> and <c>history</c>: read the object once and render it.</summary>
internal static class ReadCommands
{
    public static async Task<int> StatusAsync(IResourceClient<ModelDeployment> resource, ObjectKey key, PluginEnvironment env, CancellationToken cancellationToken)
    {
        var md = await resource.GetAsync(key, cancellationToken).ConfigureAwait(false);
        await env.Out.WriteAsync(StatusRenderer.Render(md, env.Time.GetUtcNow())).ConfigureAwait(false);
        return 0;
    }

    public static async Task<int> HistoryAsync(IResourceClient<ModelDeployment> resource, ObjectKey key, PluginEnvironment env, CancellationToken cancellationToken)
    {
        var md = await resource.GetAsync(key, cancellationToken).ConfigureAwait(false);
        await env.Out.WriteAsync(HistoryRenderer.Render(md, env.Time.GetUtcNow())).ConfigureAwait(false);
        return 0;
    }
}
