using System.Net;
using System.Text;

namespace ModelOperator.Runtime.Server.Tests;

/// <summary>
/// The server as it runs in a pod: a non-root user, a read-only application and working
/// directory, a HOME it cannot write, and only a temporary directory that is writable.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class NonRootTests
{
    private const int Nobody = 65534;

    [Fact]
    public async Task As_nobody_with_a_read_only_tree_and_home_the_server_moves_home_to_tmp_and_serves()
    {
        var root = Path.Combine(Path.GetTempPath(), $"modelserver-nonroot-{Guid.NewGuid():N}");
        var app = Path.Combine(root, "app");
        var home = Path.Combine(root, "home");
        var tmp = Path.Combine(root, "tmp");
        try
        {
            CopyDirectory(AppContext.BaseDirectory, app);
            Directory.CreateDirectory(home);
            Directory.CreateDirectory(tmp);
            var model = Path.Combine(app, "served-model.onnx");
            File.Copy(ServerFixture.ModelPath("churn", 1), model);
            var environment = new Dictionary<string, string>
            {
                ["MODEL_NAME"] = "churn",
                ["MODEL_URI"] = model,
                ["HOME"] = home,
                ["TMPDIR"] = tmp,
                ["XDG_CACHE_HOME"] = string.Empty,
                ["DOTNET_CLI_HOME"] = tmp,
            };

            // Read-only for everyone (root included, as far as permission bits go), writable /tmp only.
            MakeReadOnly(app);
            File.SetUnixFileMode(home, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            File.SetUnixFileMode(tmp, (UnixFileMode)0b1_111_111_111); // 1777, like /tmp
            File.SetUnixFileMode(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

            var asRoot = Environment.UserName == "root";
            string[]? prefix = asRoot ? ["setpriv", $"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups", "--"] : null;
            await using var server = ServerProcess.Start(environment, appDirectory: app, workingDirectory: app, prefix: prefix);
            await server.WaitForLineAsync("is ready");

            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.Port}"), Timeout = TimeSpan.FromSeconds(30) };
            using var response = await client.PostAsync("/v2/models/churn/infer", new StringContent(MalformedRequestCorpus.Good, Encoding.UTF8, "application/json"));
            var body = await response.Content.ReadAsStringAsync();

            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}\n{string.Join('\n', server.Output)}");
            Assert.Contains(server.Output, line => line.Contains($"HOME ({home}) is not writable; using {Path.Combine(tmp, "modelserver-home")}", StringComparison.Ordinal));
            Assert.Empty(Directory.GetFileSystemEntries(home));
            Assert.True(Directory.Exists(Path.Combine(tmp, "modelserver-home", ".cache")));
        }
        finally
        {
            MakeWritable(root);
            Directory.Delete(root, recursive: true);
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static void MakeReadOnly(string directory)
    {
        const UnixFileMode read = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        const UnixFileMode enter = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            File.SetUnixFileMode(file, read);
        }

        foreach (var dir in Directory.EnumerateDirectories(directory, "*", SearchOption.AllDirectories).Append(directory))
        {
            File.SetUnixFileMode(dir, read | enter);
        }
    }

    private static void MakeWritable(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }

        foreach (var dir in Directory.EnumerateDirectories(directory, "*", SearchOption.AllDirectories).Append(directory))
        {
            File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
