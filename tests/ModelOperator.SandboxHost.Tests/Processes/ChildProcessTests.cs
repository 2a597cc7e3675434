namespace ModelOperator.SandboxHost.Tests.Processes;

/// <summary>libs/ModelOperator.Processes: the child-process helper the sandbox, the benchmarks and the tests share.</summary>
public sealed class ChildProcessTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_child_that_writes_a_lot_keeps_only_its_last_characters_and_says_how_many_were_dropped()
    {
        var result = await ChildProcess.RunAsync(
            new ChildProcessOptions { File = "/bin/sh", Arguments = ["-c", "yes 0123456789 | head -c 20000000"], OutputLimit = 100_000 });

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("[19900000 earlier characters dropped]\n", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(100_000, result.Stdout.Length - "[19900000 earlier characters dropped]\n".Length);
    }

    [Fact]
    public async Task Disposing_a_child_kills_its_children_too()
    {
        var grandchild = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var child = ChildProcess.Start(new ChildProcessOptions
        {
            File = "/bin/sh",
            Arguments = ["-c", "sleep 300 & echo $!; wait"],
            OnStdoutLine = line => grandchild.TrySetResult(int.Parse(line, System.Globalization.CultureInfo.InvariantCulture)),
        });
        var pid = await grandchild.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(IsAlive(pid), "the grandchild runs before dispose");

        await child.DisposeAsync();

        Assert.True(await GoneAsync(pid), $"sleep (pid {pid}) still runs after its parent was disposed");
    }

    [Fact]
    public async Task A_run_past_its_timeout_is_killed_and_the_error_names_the_command_and_its_stderr()
    {
        var error = await Assert.ThrowsAsync<TimeoutException>(() =>
            ChildProcess.RunAsync("/bin/sh", ["-c", "echo started >&2; exec sleep 30"], timeout: TimeSpan.FromMilliseconds(500)));

        Assert.Contains("/bin/sh -c echo started >&2; exec sleep 30", error.Message, StringComparison.Ordinal);
        Assert.Contains("stderr: started", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stdin_working_folder_and_environment_reach_the_child_and_a_null_value_removes_a_variable()
    {
        var result = await ChildProcess.RunAsync(
            "/bin/sh",
            ["-c", "cat; pwd; echo \"$GIVEN/${HOME:-no home}\""],
            stdin: "from stdin\n",
            workingDirectory: _dir.Path,
            environment: new Dictionary<string, string?> { ["GIVEN"] = "set", ["HOME"] = null });

        Assert.Equal($"from stdin\n{_dir.Path}\nset/no home\n", result.Stdout);
    }

    [Fact]
    public async Task A_long_running_child_appends_both_streams_to_its_log_and_tail_reads_the_end()
    {
        var log = Path.Combine(_dir.Path, "logs", "child.log");
        await using (var child = ChildProcess.Start("child", "/bin/sh", ["-c", "echo out; echo err >&2; exit 3"], log))
        {
            var result = await child.WaitForExitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(3, result.ExitCode);
            Assert.Equal("child", child.Name);
        }

        var lines = (await File.ReadAllLinesAsync(log)).ToList();
        Assert.StartsWith("--- ", lines[0], StringComparison.Ordinal);
        Assert.Contains("starting /bin/sh -c", lines[0], StringComparison.Ordinal);
        Assert.Equal(["err", "out"], lines.Skip(1).Order(StringComparer.Ordinal));
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            // A zombie (state Z) is dead; it only waits to be reaped by whoever inherited it.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    // The kill is synchronous but the kernel tears the process down on its own time: look for a bounded while.
    private static async Task<bool> GoneAsync(int pid)
    {
        for (var i = 0; i < 100; i++)
        {
            if (!IsAlive(pid))
            {
                return true;
            }

            await Task.Delay(50);
        }

        return false;
    }
}
