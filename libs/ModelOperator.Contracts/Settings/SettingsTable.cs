using System.Text;

namespace ModelOperator.Contracts.Settings;

/// <summary>What a <see cref="SettingsTable{TOptions}"/> read: the options, and every problem found, one line each.</summary>
public sealed record SettingsReading<TOptions>(TOptions Options, IReadOnlyList<string> Problems);

/// <summary>
/// The one settings reader of the model server and the operator: a table of settings (variable, flag, what is allowed,
/// help, default) read from the environment and the command line into immutable options. Each setting is a variable
/// (<c>PORT=9000</c>) or its flag (<c>--port 9000</c> or <c>--port=9000</c>); the flag wins, and an empty variable counts
/// as unset. Every problem is collected (unknown flags, flags without a value, values that are not allowed), so a
/// person fixes them all in one go; <c>--help</c> is generated from the same rows, so it cannot leave one out.
/// Checks across settings (one port equal to another, a required setting) belong to the caller, after reading.
/// </summary>
public sealed class SettingsTable<TOptions>
{
    /// <summary>The exit code of a process whose settings have problems (as for a command-line usage error).</summary>
    public const int UsageExitCode = 2;

    private readonly TOptions _defaults;

    /// <param name="command">The program's name, for the usage line and messages.</param>
    /// <param name="defaults">The options before anything is read; their values are the defaults <c>--help</c> shows.</param>
    /// <param name="rows">The settings, in the order <c>--help</c> lists them; variables and flags must be unique.</param>
    public SettingsTable(string command, TOptions defaults, IReadOnlyList<Setting<TOptions>> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        Command = command;
        _defaults = defaults;
        Rows = rows;
        foreach (var duplicate in rows.GroupBy(r => r.Env).Concat(rows.GroupBy(r => r.Flag)).Where(g => g.Count() > 1))
        {
            throw new ArgumentException($"{command}: the setting {duplicate.Key} appears {duplicate.Count()} times in the table");
        }
    }

    public string Command { get; }

    public IReadOnlyList<Setting<TOptions>> Rows { get; }

    /// <summary>Whether the command line asks for help (<c>--help</c> or <c>-h</c> anywhere).</summary>
    public static bool AsksForHelp(IReadOnlyList<string> args) => args.Any(a => a is "--help" or "-h");

    /// <summary>Reads the options: every row from its flag, else its variable, else its default.</summary>
    public SettingsReading<TOptions> Read(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        var problems = new List<string>();
        var flags = ReadFlags(args, problems);
        var options = _defaults;
        foreach (var row in Rows)
        {
            var text = flags.TryGetValue(row.Flag, out var fromFlag) ? fromFlag
                : new[] { row.Env }.Concat(row.Fallbacks).Select(environment).FirstOrDefault(v => !string.IsNullOrEmpty(v));
            if (text is null)
            {
                continue;
            }

            var (read, next) = row.Apply(options, text);
            if (read)
            {
                options = next;
            }
            else
            {
                problems.Add(row.Problem(text));
            }
        }

        return new SettingsReading<TOptions>(options, problems);
    }

    /// <summary>The help: a usage line, then per setting its flag, variable, what is allowed, the default and what it does.</summary>
    public string Usage(string arguments = "[--flag value]...", string? footer = null)
    {
        var text = new StringBuilder();
        text.Append("usage: ").Append(Command).Append(' ').AppendLine(arguments)
            .AppendLine("Each setting is an environment variable or its flag (--flag value or --flag=value); the flag wins.")
            .AppendLine();
        foreach (var row in Rows)
        {
            text.Append("  ").Append(row.Flag).Append(", ").AppendLine(row.Env + (row.Fallbacks.Count > 0 ? $" (or {string.Join(", ", row.Fallbacks)})" : string.Empty))
                .Append("      ").AppendLine(row.Help)
                .Append("      ").Append(Capitalize(row.Allowed)).Append("; default: ").AppendLine(row.DefaultText(_defaults));
        }

        if (footer is not null)
        {
            text.AppendLine().AppendLine(footer);
        }

        return text.ToString();
    }

    private Dictionary<string, string> ReadFlags(IReadOnlyList<string> args, List<string> problems)
    {
        var known = Rows.Select(r => r.Flag).ToHashSet(StringComparer.Ordinal);
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var name = eq > 0 ? arg[..eq] : arg;
            if (!known.Contains(name))
            {
                problems.Add($"unknown argument '{arg}'; run {Command} --help for the list of settings");
                continue;
            }

            if (eq > 0)
            {
                flags[name] = arg[(eq + 1)..];
            }
            else if (i + 1 < args.Count && !known.Contains(args[i + 1]))
            {
                flags[name] = args[++i];
            }
            else
            {
                problems.Add($"flag {name} needs a value");
            }
        }

        return flags;
    }

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
