using System.Globalization;

namespace ModelOperator.Contracts.Settings;

/// <summary>Reads one value from its text; false when the text is not one.</summary>
public delegate bool ValueParser<TValue>(string text, out TValue value);

/// <summary>
/// One row of a <see cref="SettingsTable{TOptions}"/>: an environment variable, its flag, what values are allowed (in
/// words, for messages and <c>--help</c>), one line of help, and how a value is read into the options. Rows are made
/// by the factories of <see cref="Setting"/>; adding a setting is adding a row.
/// </summary>
public sealed class Setting<TOptions>
{
    internal Setting(string env, string flag, string allowed, string help, Func<TOptions, string> defaultText, Func<TOptions, string, (bool Read, TOptions Options)> apply)
    {
        if (!flag.StartsWith("--", StringComparison.Ordinal) || env.Length == 0)
        {
            throw new ArgumentException($"a setting needs an environment variable and a --flag, got '{env}' and '{flag}'");
        }

        Env = env;
        Flag = flag;
        Allowed = allowed;
        Help = help;
        DefaultText = defaultText;
        Apply = apply;
    }

    /// <summary>The environment variable, e.g. <c>PORT</c>.</summary>
    public string Env { get; }

    /// <summary>The flag, e.g. <c>--port</c>; it wins over the variable.</summary>
    public string Flag { get; }

    /// <summary>What a value may be, completing "it must be …", e.g. <c>a whole number from 0 to 65535</c>.</summary>
    public string Allowed { get; }

    /// <summary>What the setting does, for <c>--help</c>.</summary>
    public string Help { get; }

    /// <summary>Further variables read when <see cref="Env"/> is not set, first match wins (e.g. the AWS SDK's names).</summary>
    public IReadOnlyList<string> Fallbacks { get; init; } = [];

    /// <summary>The default in the options' own words, for <c>--help</c> (from the defaults the table was made with).</summary>
    internal Func<TOptions, string> DefaultText { get; }

    /// <summary>The options with the value read from the text; Read is false when the text is not an allowed value.</summary>
    internal Func<TOptions, string, (bool Read, TOptions Options)> Apply { get; }

    /// <summary>The problem with a text, naming the setting, the value and what is allowed.</summary>
    internal string Problem(string text) => $"{Env} ({Flag}) is '{Shorten(text)}'; it must be {Allowed}";

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";
}

/// <summary>The kinds of setting, each with the words its messages and help use for what is allowed.</summary>
public static class Setting
{
    /// <summary>Any value of a type, read by <paramref name="parse"/> and allowed when it also passes <paramref name="valid"/>.</summary>
    public static Setting<T> Of<T, TValue>(
        string env, string flag, string allowed, string help, ValueParser<TValue> parse, Func<T, TValue> get, Func<T, TValue, T> set, Func<TValue, bool>? valid = null)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(get);
        ArgumentNullException.ThrowIfNull(set);
        return new Setting<T>(env, flag, allowed, help, o => Show(get(o)),
            (o, text) => parse(text, out var value) && (valid is null || valid(value)) ? (true, set(o, value)) : (false, o));
    }

    /// <summary>Text that passes <paramref name="valid"/> (any non-empty text without it).</summary>
    public static Setting<T> Text<T>(string env, string flag, string help, Func<T, string?> get, Func<T, string, T> set, Func<string, bool>? valid = null, string allowed = "a non-empty text") =>
        Of<T, string>(env, flag, allowed, help, (string text, out string value) => (value = text).Length > 0, o => get(o) ?? string.Empty, set, valid);

    /// <summary>One of a fixed set of words.</summary>
    public static Setting<T> OneOf<T>(string env, string flag, string help, IReadOnlyList<string> words, Func<T, string> get, Func<T, string, T> set) =>
        Text(env, flag, help, get, set, words.Contains, "one of " + string.Join(", ", words));

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Setting<T> Int<T>(string env, string flag, string help, int min, int max, Func<T, int> get, Func<T, int, T> set) =>
        Of(env, flag, $"a whole number from {Show(min)} to {Show(max)}", help, ParseInt, get, set, v => v >= min && v <= max);

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>, or unset (null).</summary>
    public static Setting<T> OptionalInt<T>(string env, string flag, string help, int min, int max, Func<T, int?> get, Func<T, int, T> set) =>
        Of(env, flag, $"a whole number from {Show(min)} to {Show(max)}", help, ParseInt, o => get(o) ?? 0, set, v => v >= min && v <= max)
            .WithDefault(o => get(o) is { } v ? Show(v) : "unset");

    /// <summary>A whole number (of bytes, say) from <paramref name="min"/> to <paramref name="max"/>, beyond the int range.</summary>
    public static Setting<T> Long<T>(string env, string flag, string help, long min, long max, Func<T, long> get, Func<T, long, T> set, string unit = "") =>
        Of(env, flag, $"a whole number{unit} from {Show(min)} to {Show(max)}", help, ParseLong, get, set, v => v >= min && v <= max);

    /// <summary>A number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Setting<T> Double<T>(string env, string flag, string help, double min, double max, Func<T, double> get, Func<T, double, T> set) =>
        Of(env, flag, $"a number from {Show(min)} to {Show(max)}", help, ParseDouble, get, set, v => v >= min && v <= max);

    /// <summary>true or false.</summary>
    public static Setting<T> Bool<T>(string env, string flag, string help, Func<T, bool> get, Func<T, bool, T> set) =>
        Of(env, flag, "true or false", help, bool.TryParse, get, set);

    /// <summary>A duration in the one grammar (<see cref="GoDuration"/>) from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Setting<T> Duration<T>(string env, string flag, string help, TimeSpan min, TimeSpan max, Func<T, TimeSpan> get, Func<T, TimeSpan, T> set) =>
        Of(env, flag, $"{GoDuration.Allowed}, from {GoDuration.Format(min)} to {GoDuration.Format(max)}", help,
            (string text, out TimeSpan value) => GoDuration.TryParse(text, out value), get, set, v => v >= min && v <= max);

    /// <summary>
    /// Comma-separated entries; blanks (a trailing comma) are dropped, so an empty value is an empty list. Each entry
    /// must pass <paramref name="valid"/>.
    /// </summary>
    public static Setting<T> List<T>(string env, string flag, string help, Func<T, IReadOnlyList<string>> get, Func<T, IReadOnlyList<string>, T> set, Func<string, bool>? valid = null, string allowed = "a comma-separated list") =>
        Of(env, flag, allowed, help, SplitList, get, set, valid is null ? null : entries => entries.All(valid));

    /// <summary>The same row with another default text for <c>--help</c> (for defaults the options do not hold, e.g. "the pod's namespace").</summary>
    public static Setting<T> WithDefault<T>(this Setting<T> setting, Func<T, string> defaultText) =>
        new(setting.Env, setting.Flag, setting.Allowed, setting.Help, defaultText, setting.Apply) { Fallbacks = setting.Fallbacks };

    /// <summary>The same row, also read from <paramref name="fallbacks"/> when its own variable is not set.</summary>
    public static Setting<T> OrFrom<T>(this Setting<T> setting, params string[] fallbacks) =>
        new(setting.Env, setting.Flag, setting.Allowed, setting.Help, setting.DefaultText, setting.Apply) { Fallbacks = fallbacks };

    private static bool SplitList(string text, out IReadOnlyList<string> entries)
    {
        entries = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return true;
    }

    private static bool ParseInt(string text, out int value) => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value);

    private static bool ParseLong(string text, out long value) => long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value);

    private static bool ParseDouble(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    /// <summary>A value as the help shows it: durations in the duration grammar, lists comma-separated, nothing as "unset".</summary>
    internal static string Show(object? value) => value switch
    {
        null => "unset",
        string { Length: 0 } => "unset",
        string s => s,
        TimeSpan t => GoDuration.Format(t),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        System.Collections.IEnumerable items => items.Cast<object?>().Any() ? string.Join(",", items.Cast<object?>().Select(Show)) : "unset",
        _ => value.ToString() ?? "unset",
    };
}
