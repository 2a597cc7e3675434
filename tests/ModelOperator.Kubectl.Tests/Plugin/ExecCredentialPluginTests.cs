using ModelOperator.Kubectl.Tests.Support;
using ModelOperator.Testing;

namespace ModelOperator.Kubectl.Tests.Plugin;

/// <summary>
/// <c>kubectl model</c> with a kubeconfig whose user is an exec credential plugin, against an API server that requires
/// the plugin's token: what managed clusters (EKS, GKE, AKS) hand out.
/// </summary>
public sealed class ExecCredentialPluginTests
{
    private const string Token = "plugin-token";

    [Fact]
    public async Task Kubectl_model_sends_the_token_the_plugin_prints()
    {
        await using var bed = await PluginTestBed.StartAsync(requiredToken: Token);
        await bed.SeedAsync(Fixtures.RolledBack());
        var plugin = new ExecCredentialPlugin(Path.Combine(bed.Dir, "plugin"), Token, expires: DateTimeOffset.UtcNow.AddHours(1));
        await File.WriteAllTextAsync(bed.Kubeconfig, plugin.Kubeconfig(bed.Server.BaseUrl));

        var inProcess = (await bed.PluginAsync("status", "churn")).Succeeded();
        var throughKubectl = (await bed.KubectlAsync("model", "history", "churn")).Succeeded();

        Assert.Contains("Phase:          RolledBack", inProcess.Stdout, StringComparison.Ordinal);
        Assert.Contains("churn-bbbbbbbbbb", throughKubectl.Stdout, StringComparison.Ordinal);
        Assert.Equal(4, plugin.Runs); // per process: once to build the configuration, once for the first request
    }

    [Fact]
    public async Task An_expired_credential_is_fetched_again_and_a_refused_one_is_an_unauthorized_error()
    {
        await using var bed = await PluginTestBed.StartAsync(requiredToken: Token);
        await bed.SeedAsync(Fixtures.RolledBack());
        var expired = new ExecCredentialPlugin(Path.Combine(bed.Dir, "expired"), Token, expires: DateTimeOffset.UtcNow.AddMinutes(-1));
        await File.WriteAllTextAsync(bed.Kubeconfig, expired.Kubeconfig(bed.Server.BaseUrl));

        // status reads the object once; with an expired credential every request runs the plugin again
        (await bed.PluginAsync("status", "churn")).Succeeded();
        var oneCommand = expired.Runs;
        (await bed.PluginAsync("status", "churn")).Succeeded();

        var wrong = new ExecCredentialPlugin(Path.Combine(bed.Dir, "wrong"), "not-the-token");
        await File.WriteAllTextAsync(bed.Kubeconfig, wrong.Kubeconfig(bed.Server.BaseUrl));
        var refused = await bed.PluginAsync("status", "churn");

        Assert.Equal(2 * oneCommand, expired.Runs);
        Assert.True(oneCommand >= 2, $"the plugin ran {oneCommand} times for one command");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("Unauthorized", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(3, wrong.Runs); // configuration, first request, and once more after the 401
    }
}
