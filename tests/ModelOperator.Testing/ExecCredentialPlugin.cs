using System.Globalization;

namespace ModelOperator.Testing;

/// <summary>
/// A kubeconfig exec credential plugin for tests: a small shell script that counts its runs in a file and prints an
/// ExecCredential (client.authentication.k8s.io/v1 or v1beta1) whose token is <see cref="Token"/> (or, for the first
/// <c>staleRuns</c> runs, <c>stale-token</c>) and whose <c>expirationTimestamp</c> is <c>expires</c>.
/// </summary>
public sealed class ExecCredentialPlugin
{
    public const string StaleToken = "stale-token";

    private readonly string _countFile;

    /// <param name="directory">Where the script and its run counter go.</param>
    /// <param name="token">The token it prints.</param>
    /// <param name="expires">Its expirationTimestamp; null prints none (valid until a 401).</param>
    /// <param name="staleRuns">How many first runs print <see cref="StaleToken"/> instead.</param>
    public ExecCredentialPlugin(string directory, string token, DateTimeOffset? expires = null, int staleRuns = 0, string apiVersion = "client.authentication.k8s.io/v1")
    {
        Directory.CreateDirectory(directory);
        Token = token;
        ApiVersion = apiVersion;
        _countFile = Path.Combine(directory, "exec-plugin.runs");
        Command = Path.Combine(directory, "exec-plugin.sh");
        var expiry = expires is { } e ? $",\"expirationTimestamp\":\"{e.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}\"" : string.Empty;
        File.WriteAllText(Command, $$$"""
            #!/bin/sh
            echo run >> '{{{_countFile}}}'
            runs=$(wc -l < '{{{_countFile}}}')
            token='{{{token}}}'
            if [ "$runs" -le {{{staleRuns}}} ]; then token='{{{StaleToken}}}'; fi
            printf '{"apiVersion":"{{{apiVersion}}}","kind":"ExecCredential","status":{"token":"%s"{{{expiry}}}}}' "$token"

            """);
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The exec credential plugin of the tests is a POSIX shell script.");
        }

        File.SetUnixFileMode(Command, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string Command { get; }

    public string Token { get; }

    public string ApiVersion { get; }

    /// <summary>How often the plugin has run.</summary>
    public int Runs => File.Exists(_countFile) ? File.ReadAllLines(_countFile).Length : 0;

    /// <summary>A kubeconfig for <paramref name="server"/> whose user is this plugin.</summary>
    public string Kubeconfig(Uri server, string ns = "default") => $"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: test
          cluster:
            server: {server.GetLeftPart(UriPartial.Authority)}
        users:
        - name: plugin-user
          user:
            exec:
              apiVersion: {ApiVersion}
              command: {Command}
              interactiveMode: Never
        contexts:
        - name: test
          context:
            cluster: test
            user: plugin-user
            namespace: {ns}
        current-context: test

        """;
}
