using System.Globalization;
using ModelOperator.Api;

namespace ModelOperator.Kubectl.Cli;

/// <summary>
/// Parses the arguments kubectl hands over (everything after <c>kubectl model</c>; kubectl passes none of its own flags).
/// Flags may come before or after the command and name, as <c>--flag value</c> or <c>--flag=value</c>, like kubectl's.
/// </summary>
internal static partial class CommandLineParser
{
    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var positional = new List<string>();
        var line = new CommandLine();
        string? toRevision = null;
        string? timeout = null;
        string? output = null;
        string? prometheus = null;
        var full = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                positional.AddRange(args.Skip(i + 1));
                break;
            }

            if (arg is "-h" or "--help")
            {
                line = line with { Help = true };
                continue;
            }

            if (!arg.StartsWith('-') || arg == "-")
            {
                positional.Add(arg);
                continue;
            }

            var (flag, value) = SplitFlag(arg);
            string Value() => value ?? (i + 1 < args.Count ? args[++i] : throw new PluginException($"flag {flag} needs a value"));
            switch (flag)
            {
                case "-n" or "--namespace":
                    line = line with { Namespace = NonEmpty(flag, Value()) };
                    break;
                case "--kubeconfig":
                    line = line with { Kubeconfig = NonEmpty(flag, Value()) };
                    break;
                case "--context":
                    line = line with { Context = NonEmpty(flag, Value()) };
                    break;
                case "--to-revision":
                    toRevision = Value();
                    break;
                case "--timeout":
                    timeout = Value();
                    break;
                case "-o" or "--output":
                    output = Value();
                    break;
                case "--prometheus":
                    prometheus = Value();
                    break;
                case "--full":
                    full = value is null ? true : bool.TryParse(value, out var parsed) ? parsed
                        : throw new PluginException($"flag --full takes true or false, got \"{value}\"");
                    break;
                default:
                    throw new PluginException($"unknown flag {flag}") { Usage = Help.General };
            }
        }

        return DriftFlags(Complete(line, positional, toRevision, timeout, full), output, prometheus);
    }

    private static CommandLine Complete(CommandLine line, List<string> positional, string? toRevision, string? timeout, bool full)
    {
        if (positional.Count > 0 && positional[0] == "help")
        {
            positional.RemoveAt(0);
            line = line with { Help = true };
        }

        if (positional.Count == 0)
        {
            return line with { Help = true };
        }

        var command = PluginCommand.Find(positional[0])
            ?? throw new PluginException($"unknown command \"{positional[0]}\" for \"kubectl model\"") { Usage = Help.General };
        line = line with { Command = command };
        if (line.Help)
        {
            return line;
        }

        if (positional.Count == 1)
        {
            throw new PluginException($"{command.Name} needs the name of a ModelDeployment") { Usage = Help.For(command) };
        }

        if (positional.Count > 2)
        {
            throw new PluginException($"{command.Name} takes one ModelDeployment name, got {positional.Count - 1}: {string.Join(' ', positional.Skip(1))}")
            {
                Usage = Help.For(command),
            };
        }

        line = line with { Name = positional[1] };
        if (toRevision is not null)
        {
            if (!command.TakesToRevision)
            {
                throw new PluginException($"--to-revision applies to undo only, not to {command.Name}") { Usage = Help.For(command) };
            }

            if (!long.TryParse(toRevision, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1)
            {
                throw new PluginException($"--to-revision must be a revision number (1 or more, see kubectl model history), got \"{toRevision}\"");
            }

            line = line with { ToRevision = number };
        }

        if (full)
        {
            if (!command.TakesFull)
            {
                throw new PluginException($"--full applies to promote only, not to {command.Name}") { Usage = Help.For(command) };
            }

            line = line with { Full = true };
        }

        if (timeout is not null)
        {
            if (!command.TakesTimeout)
            {
                throw new PluginException($"--timeout applies to watch only, not to {command.Name}") { Usage = Help.For(command) };
            }

            if (!GoDuration.TryParse(timeout, out var span) || span <= TimeSpan.Zero)
            {
                throw new PluginException($"--timeout must be a positive duration such as 30s, 5m or 1h, got \"{timeout}\"");
            }

            line = line with { Timeout = span };
        }

        return line;
    }

    private static (string Flag, string? Value) SplitFlag(string arg)
    {
        var eq = arg.IndexOf('=', StringComparison.Ordinal);
        if (eq > 0)
        {
            return (arg[..eq], arg[(eq + 1)..]);
        }

        // kubectl also accepts the short forms glued to their value: -nserving, -ojson.
        if (arg.Length > 2 && (arg.StartsWith("-n", StringComparison.Ordinal) || arg.StartsWith("-o", StringComparison.Ordinal)))
        {
            return (arg[..2], arg[2..]);
        }

        return (arg, null);
    }

    private static string NonEmpty(string flag, string value) =>
        string.IsNullOrWhiteSpace(value) ? throw new PluginException($"flag {flag} needs a non-empty value") : value;
}
