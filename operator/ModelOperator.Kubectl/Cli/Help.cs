using System.Text;

namespace ModelOperator.Kubectl.Cli;

/// <summary>The help texts.</summary>
internal static class Help
{
    public static string General { get; } = BuildGeneral();

    public static string For(PluginCommand command) =>
        $"""
        {command.Summary}.

        Usage:
          {command.UsageLine}

        {Flags}

        """;

    private const string Flags =
        """
        Flags:
          -n, --namespace NAMESPACE   the ModelDeployment's namespace (default: the kubeconfig context's namespace)
              --context CONTEXT       the kubeconfig context to use (default: its current-context)
              --kubeconfig FILE       the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)
          -h, --help                  this help
        """;

    private static string BuildGeneral()
    {
        var text = new StringBuilder();
        text.AppendLine("Inspect and steer ModelDeployment rollouts (modeloperator.io). Actions are the same edits a user")
            .AppendLine("can make with plain kubectl: the modeloperator.io/action annotation, or spec.paused.")
            .AppendLine()
            .AppendLine("Commands:");
        var width = PluginCommand.All.Max(c => c.Name.Length) + 2;
        foreach (var command in PluginCommand.All)
        {
            text.Append("  ").Append(command.Name.PadRight(width)).AppendLine(command.Summary);
        }

        text.AppendLine()
            .AppendLine("Usage:")
            .AppendLine("  kubectl model COMMAND NAME [flags]")
            .AppendLine()
            .AppendLine(Flags);
        return text.ToString();
    }
}
