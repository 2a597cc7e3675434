namespace ModelOperator.Kubectl.Cli;

/// <summary>The flags only <c>drift</c> takes: <c>-o json|yaml</c> and <c>--prometheus URL</c>, checked as kubectl checks its own.</summary>
internal static partial class CommandLineParser
{
    private static CommandLine DriftFlags(CommandLine line, string? output, string? prometheus)
    {
        if ((output ?? prometheus) is null || line.Help || line.Command is null)
        {
            return line;
        }

        var command = line.Command;
        if (!command.TakesDriftFlags)
        {
            throw new PluginException($"{(output is not null ? "-o/--output" : "--prometheus")} applies to drift only, not to {command.Name}") { Usage = Help.For(command) };
        }

        if (output is not null && output is not (CommandLine.Json or CommandLine.Yaml))
        {
            throw new PluginException($"unable to match a printer suitable for the output format \"{output}\", allowed formats are: {CommandLine.Json},{CommandLine.Yaml}");
        }

        Uri? address = null;
        if (prometheus is not null
            && (!Uri.TryCreate(prometheus, UriKind.Absolute, out address) || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps)))
        {
            throw new PluginException($"--prometheus must be an http:// or https:// URL such as http://localhost:9090, got \"{prometheus}\"");
        }

        return line with { Output = output, Prometheus = address };
    }
}
