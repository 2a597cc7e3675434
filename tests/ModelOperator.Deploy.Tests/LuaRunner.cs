using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using ModelOperator.Testing;

namespace ModelOperator.Deploy.Tests;

/// <summary>Runs a Lua script with the real interpreter (Debian's lua5.4), giving it a JSON object as the global <c>obj</c>.</summary>
internal static class LuaRunner
{
    public static string Interpreter
    {
        get
        {
            const string path = "/usr/bin/lua5.4";
            if (!File.Exists(path))
            {
                Assert.Fail("lua5.4 is missing: run `make test` (it installs Debian's lua5.4) or apt-get install -y lua5.4");
            }

            return path;
        }
    }

    /// <summary>Runs <paramref name="script"/> as a function body with <c>obj</c> set, and returns what the epilogue writes.</summary>
    public static string Run(string script, JsonNode obj, string epilogue)
    {
        var source = new StringBuilder()
            .Append("obj = ").Append(ToLua(obj)).Append('\n')
            .Append("local function check()\n").Append(script).Append("\nend\n")
            .Append("local result = check()\n")
            .Append(epilogue).Append('\n')
            .ToString();
        // Sync over async: the Argo CD checks call this from synchronous tests; ChildProcess bounds the run.
        var result = ChildProcess.RunAsync(Interpreter, ["-"], source, timeout: TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        Assert.True(result.ExitCode == 0, $"lua5.4 failed ({result.ExitCode}): {result.Stderr}");
        return result.Stdout;
    }

    /// <summary>A Lua table constructor for a JSON value; JSON null becomes nil (the key is absent, as in Argo CD).</summary>
    public static string ToLua(JsonNode? node) => node switch
    {
        null => "nil",
        JsonObject o => "{" + string.Join(", ", o.Where(p => p.Value is not null).Select(p => $"[{Quote(p.Key)}] = {ToLua(p.Value)}")) + "}",
        JsonArray a => "{" + string.Join(", ", a.Select(ToLua)) + "}",
        JsonValue v when v.TryGetValue<bool>(out var b) => b ? "true" : "false",
        JsonValue v when v.TryGetValue<string>(out var s) => Quote(s),
        JsonValue v => Convert.ToDouble(v.ToString(), CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture),
        _ => throw new ArgumentException($"unexpected JSON node {node.GetType().Name}", nameof(node)),
    };

    private static string Quote(string s) =>
        "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal) + "\"";
}
