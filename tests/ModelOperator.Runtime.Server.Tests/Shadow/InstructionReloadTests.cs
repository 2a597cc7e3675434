using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using ModelOperator.Contracts;
using ModelOperator.Runtime.Server.Hosting;
using ModelOperator.Runtime.Server.Shadow;
using ModelOperator.Testing;

namespace ModelOperator.Runtime.Server.Tests.Shadow;

/// <summary>The instruction file re-read on a manual clock: it appears, changes, disappears, names another revision.</summary>
public sealed class InstructionReloadTests : IDisposable
{
    private const string Own = "churn-1e9a6539eb";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "shadow-reload-" + Guid.NewGuid().ToString("N"));
    private readonly ManualTimeProvider _clock = new();
    private readonly ConcurrentQueue<string> _logs = new();
    private readonly ILoggerFactory _logging;
    private readonly InstructionReloader _reloader;

    public InstructionReloadTests()
    {
        Directory.CreateDirectory(_folder);
        var options = new ServerOptions { ModelName = "churn", ModelUri = "m.onnx", Revision = Own, ShadowConfigFile = Path.Combine(_folder, ShadowContract.ConfigKey) };
        _logging = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(new CollectingLoggerProvider(_logs)));
        _reloader = new InstructionReloader(options, _clock, _logging.CreateLogger<InstructionReloader>());
        _reloader.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    private string FilePath => Path.Combine(_folder, ShadowContract.ConfigKey);

    private void Write(string source, double percent, string target = "http://churn-04115c9a7b.ns.svc:8080") =>
        File.WriteAllText(FilePath, $$"""{"source":"{{source}}","target":"{{target}}","percent":{{percent}},"tolerance":0.01}""");

    [Fact]
    public void The_file_appears_changes_names_another_revision_and_disappears_and_each_change_takes_one_interval()
    {
        // Given no file: nothing is mirrored
        Assert.False(_reloader.Current.IsOn);

        // When the file appears, nothing changes until the next reload
        Write(Own, 20);
        _clock.Advance(ShadowContract.ReloadInterval - TimeSpan.FromMilliseconds(1));
        Assert.False(_reloader.Current.IsOn);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(20, _reloader.Current.Percent);

        // When the share changes
        Write(Own, 100);
        _clock.Advance(ShadowContract.ReloadInterval);
        Assert.Equal(100, _reloader.Current.Percent);

        // When the instruction names another revision
        Write("churn-04115c9a7b", 100);
        _clock.Advance(ShadowContract.ReloadInterval);
        Assert.False(_reloader.Current.IsOn);

        // When the file disappears
        Write(Own, 50);
        _clock.Advance(ShadowContract.ReloadInterval);
        Assert.True(_reloader.Current.IsOn);
        File.Delete(FilePath);
        _clock.Advance(ShadowContract.ReloadInterval);
        Assert.False(_reloader.Current.IsOn);

        // Then each change was logged once, however many reloads saw it
        _clock.Advance(ShadowContract.ReloadInterval * 5);
        Assert.Equal(
            [
                "Shadow: no instruction file; mirroring nothing",
                "Shadow: mirroring 20% of requests to http://churn-04115c9a7b.ns.svc:8080 (tolerance 0.01)",
                "Shadow: mirroring 100% of requests to http://churn-04115c9a7b.ns.svc:8080 (tolerance 0.01)",
                "Shadow: the instruction is for revision churn-04115c9a7b, not this one (churn-1e9a6539eb); mirroring nothing",
                "Shadow: mirroring 50% of requests to http://churn-04115c9a7b.ns.svc:8080 (tolerance 0.01)",
                "Shadow: no instruction file; mirroring nothing",
            ],
            _logs);
    }

    [Fact]
    public void A_refused_target_turns_mirroring_off_with_one_warning_that_never_shows_its_credentials()
    {
        Write(Own, 20);
        _clock.Advance(ShadowContract.ReloadInterval);
        Assert.True(_reloader.Current.IsOn);

        Write(Own, 20, target: "http://user:s3cret-token@churn-04115c9a7b.ns.svc:8080");
        _clock.Advance(ShadowContract.ReloadInterval * 3);

        Assert.False(_reloader.Current.IsOn);
        Assert.Single(_logs, l => l.StartsWith("Shadow instruction refused: the target is refused", StringComparison.Ordinal));
        Assert.DoesNotContain(_logs, l => l.Contains("s3cret-token", StringComparison.Ordinal));
    }

    [Fact]
    public void Garbage_in_the_file_turns_mirroring_off()
    {
        Write(Own, 20);
        _clock.Advance(ShadowContract.ReloadInterval);
        File.WriteAllText(FilePath, "{\"source\":");
        _clock.Advance(ShadowContract.ReloadInterval);

        Assert.False(_reloader.Current.IsOn);
        Assert.Contains(_logs, l => l.StartsWith("Shadow instruction refused: the instruction file is not valid", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        _reloader.Dispose();
        _logging.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
