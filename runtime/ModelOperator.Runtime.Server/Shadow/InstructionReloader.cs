using ModelOperator.Contracts;
using ModelOperator.Runtime.Server.Hosting;

namespace ModelOperator.Runtime.Server.Shadow;

/// <summary>
/// Re-reads the instruction file (SHADOW_CONFIG_FILE) every <see cref="ShadowContract.ReloadInterval"/> on the
/// <see cref="TimeProvider"/>, so the kubelet's refresh of the mounted ConfigMap changes the share without a restart.
/// <see cref="Current"/> is what the request path reads: one volatile read, no lock. A change of plan is logged once.
/// </summary>
internal sealed partial class InstructionReloader(ServerOptions options, TimeProvider time, ILogger<InstructionReloader> logger) : IHostedService, IDisposable
{
    private readonly Lock _gate = new();
    private MirrorPlan _current = MirrorPlan.Off("mirroring is off until the instruction file is read");
    private ITimer? _timer;

    /// <summary>The plan in force.</summary>
    public MirrorPlan Current => Volatile.Read(ref _current);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.ShadowConfigFile is null)
        {
            _current = MirrorPlan.Off($"{ShadowContract.ConfigFileEnv} is not set; mirroring nothing");
            return Task.CompletedTask;
        }

        Reload();
        _timer = time.CreateTimer(_ => Reload(), null, ShadowContract.ReloadInterval, ShadowContract.ReloadInterval);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _timer?.Dispose();

    /// <summary>Reads the file now and puts its plan in force.</summary>
    internal void Reload()
    {
        lock (_gate)
        {
            var plan = Read(options.ShadowConfigFile!);
            var previous = _current;
            Volatile.Write(ref _current, plan);
            if (plan.State == previous.State)
            {
                return;
            }

            if (plan.IsProblem)
            {
                Log.InstructionRefused(logger, plan.State);
            }
            else
            {
                Log.PlanChanged(logger, plan.State);
            }
        }
    }

    private MirrorPlan Read(string path)
    {
        byte[] content;
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            // One byte past the limit is enough to tell that the file is too large.
            content = new byte[Math.Min(file.Length, InstructionFile.MaxBytes + 1)];
            file.ReadExactly(content);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            // The ConfigMap is optional: no shadow step, no file.
            return MirrorPlan.Off("no instruction file; mirroring nothing");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return MirrorPlan.Refused($"the instruction file could not be read ({ex.GetType().Name}); mirroring nothing");
        }

        return InstructionFile.Plan(content, options.Revision, options.ModelName);
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Shadow: {State}")]
        public static partial void PlanChanged(ILogger logger, string state);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Shadow instruction refused: {State}")]
        public static partial void InstructionRefused(ILogger logger, string state);
    }
}
