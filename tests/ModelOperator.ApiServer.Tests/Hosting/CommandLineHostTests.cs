using System.Diagnostics;
using ModelOperator.ApiServer.Tests.Support;

namespace ModelOperator.ApiServer.Tests.Hosting;

/// <summary>The fake-apiserver command: port and kubeconfig settings, usable by kubectl, stops on SIGTERM.</summary>
public sealed class CommandLineHostTests
{
    [Fact]
    public async Task The_host_writes_a_kubeconfig_kubectl_can_use_and_stops_cleanly_on_sigterm()
    {
        var dir = Path.Combine(Path.GetTempPath(), "apiserver-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var kubeconfig = Path.Combine(dir, "out", "kubeconfig");
        var port = LoopbackPorts.Free();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dir,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "fake-apiserver.dll"));
        info.ArgumentList.Add("--port");
        info.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        info.Environment["KUBECONFIG_OUT"] = kubeconfig;
        using var host = Process.Start(info)!;
        var output = new List<string>();
        var ready = new TaskCompletionSource();
        host.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (output)
            {
                output.Add(e.Data);
            }

            if (e.Data.StartsWith("Press Ctrl-C", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        };
        host.BeginOutputReadLine();
        host.BeginErrorReadLine();
        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(30));
            lock (output)
            {
                Assert.Contains($"  export KUBECONFIG={kubeconfig}; kubectl get ns", output);
            }

            var kubectl = new ModelOperator.Processes.Kubectl(kubeconfig, dir);
            var lines = (await kubectl.RunAsync("get", "ns", "-o", "name")).EnsureSuccess().Lines;
            Assert.Contains("namespace/default", lines);
            Assert.Contains($"server: http://127.0.0.1:{port}", await File.ReadAllTextAsync(kubeconfig), StringComparison.Ordinal);

            using (var kill = Process.Start("kill", ["-TERM", host.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await host.WaitForExitAsync(timeout.Token);
            Assert.Equal(0, host.ExitCode);
        }
        finally
        {
            if (!host.HasExited)
            {
                host.Kill(entireProcessTree: true);
            }

            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_bad_port_is_refused_with_a_message_saying_what_is_allowed()
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "fake-apiserver.dll"));
        info.ArgumentList.Add("--port");
        info.ArgumentList.Add("99999");
        using var host = Process.Start(info)!;
        var stderr = host.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await host.WaitForExitAsync(timeout.Token);

        Assert.Equal(2, host.ExitCode);
        Assert.Contains("--port is \"99999\"; it must be a port number from 1 to 65535", await stderr, StringComparison.Ordinal);
    }
}
