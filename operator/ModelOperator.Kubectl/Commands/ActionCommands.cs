using ModelOperator.Api;
using ModelOperator.Kubectl.Actions;
using ModelOperator.Kubectl.Cli;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Kubectl.Commands;

/// <summary>promote, abort, retry, undo, pause, resume: read the object, check the request, merge-patch it, say what changed.</summary>
internal static class ActionCommands
{
    public static async Task<int> RunAsync(
        string command, CommandLine line, IResourceClient<ModelDeployment> resource, ObjectKey key, PluginEnvironment env, CancellationToken cancellationToken)
    {
        var md = await resource.GetAsync(key, cancellationToken).ConfigureAwait(false);
        var request = command switch
        {
            PluginCommand.Promote => line.Full ? ActionRequests.Promote(md) : ActionRequests.PromoteStep(md),
            PluginCommand.Abort => ActionRequests.Abort(md),
            PluginCommand.Retry => ActionRequests.Retry(md),
            PluginCommand.Undo => ActionRequests.Undo(md, line.ToRevision),
            PluginCommand.Pause => ActionRequests.Pause(md),
            PluginCommand.Resume => ActionRequests.Resume(md),
            _ => throw new PluginException($"unknown command \"{command}\""),
        };
        if (request.Patch is not null)
        {
            await resource.PatchAsync(key, Patch.Merge(request.Patch), cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        await env.Out.WriteLineAsync(request.Report).ConfigureAwait(false);
        return 0;
    }
}
