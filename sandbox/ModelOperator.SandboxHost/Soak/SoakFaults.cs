using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.SandboxHost.Soak;

/// <summary>
/// Injects one <see cref="FaultStep"/> into a running <see cref="LocalSandbox"/> and undoes it when its window ends:
/// API server faults through its <c>Faults</c> rules, processes killed with SIGKILL, the Lease deleted or taken,
/// Prometheus stopped and started again. Counts what it injected, by kind.
/// </summary>
public sealed class SoakFaults(LocalSandbox sandbox, string deploymentName, TextWriter log, TimeProvider? time = null)
{
    /// <summary>The operator's leader Lease name (its default, which the sandbox keeps).</summary>
    public const string LeaseName = "modeloperator-leader";

    /// <summary>The holder a stolen Lease names.</summary>
    public const string Intruder = "soak-intruder";

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<FaultKind, int> _injected = new();
    private readonly ConcurrentDictionary<string, int> _skipped = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<DateTimeOffset> _operatorKills = new();

    /// <summary>Faults injected, by kind.</summary>
    public IReadOnlyDictionary<FaultKind, int> Injected => _injected;

    /// <summary>Faults that could not be injected, by "kind: why".</summary>
    public IReadOnlyDictionary<string, int> Skipped => _skipped;

    /// <summary>When operator processes were killed (SIGKILL), in order.</summary>
    public IReadOnlyList<DateTimeOffset> OperatorKills => [.. _operatorKills];

    /// <summary>Called with the pid and start time of every operator process the soak starts (to sample its memory).</summary>
    public Action<int, DateTimeOffset>? OperatorStarted { get; init; }

    /// <summary>Injects <paramref name="step"/>, waits out its window and undoes it.</summary>
    public async Task InjectAsync(FaultStep step, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(step);
        var faults = sandbox.ApiServer.Faults;
        switch (step.Kind)
        {
            case FaultKind.ApiConflicts:
                Say(step, $"409 on every {step.Count}th write for {Seconds(step.Duration)}");
                faults.FailEveryKthWrite(step.Count);
                await WindowAsync(step.Duration, () => faults.FailEveryKthWrite(0)).ConfigureAwait(false);
                break;
            case FaultKind.ApiGone:
                faults.GoneOnNextWatch(step.Count);
                Say(step, $"{faults.EndAllWatches()} watches ended, the next {step.Count} answered 410 Gone");
                break;
            case FaultKind.ApiThrottled:
                Say(step, $"429 (Retry-After {Seconds(step.Duration)}) for the next {step.Count} requests");
                faults.TooManyRequests(step.Count, step.Duration);
                break;
            case FaultKind.WatchesDropped:
                Say(step, $"{faults.EndAllWatches()} watches ended");
                break;
            case FaultKind.ApiLatency:
                Say(step, string.Create(CultureInfo.InvariantCulture, $"+{step.Count} ms on every request for {Seconds(step.Duration)}"));
                faults.Latency = TimeSpan.FromMilliseconds(step.Count);
                await WindowAsync(step.Duration, () => faults.Latency = TimeSpan.Zero).ConfigureAwait(false);
                break;
            case FaultKind.ApiAway:
                Say(step, $"no answers for {Seconds(step.Duration)}");
                faults.StopAnswering(step.Duration);
                await Task.Delay(step.Duration, _time, CancellationToken.None).ConfigureAwait(false);
                break;
            case FaultKind.OperatorKilled:
                await KillOperatorAsync(step, cancellationToken).ConfigureAwait(false);
                return;
            case FaultKind.LeaseLost:
                await LoseLeaseAsync(step, cancellationToken).ConfigureAwait(false);
                return;
            case FaultKind.ModelServerKilled:
                KillModelServer(step);
                return;
            case FaultKind.PrometheusAway:
                Say(step, $"stopped for {Seconds(step.Duration)}");
                await sandbox.Prometheus.StopAsync().ConfigureAwait(false);
                try
                {
                    await Task.Delay(step.Duration, _time, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    await sandbox.Prometheus.StartAgainAsync(CancellationToken.None).ConfigureAwait(false);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(step), step.Kind, "unknown fault kind");
        }

        Count(step.Kind);
    }

    /// <summary>Turns every API server rule off (the end of the soak's faults).</summary>
    public void ResetApiServer() => sandbox.ApiServer.Faults.Reset();

    /// <summary>Starts an operator replica if none is alive (the end of the soak's faults, or a kill whose restart failed).</summary>
    public async Task EnsureOperatorAsync(CancellationToken cancellationToken)
    {
        if (!sandbox.Operators.Any(o => !o.Process.HasExited))
        {
            await StartOperatorAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task KillOperatorAsync(FaultStep step, CancellationToken cancellationToken)
    {
        var alive = sandbox.Operators.Where(o => !o.Process.HasExited).ToList();
        if (alive.Count == 0)
        {
            Skip(step, "no operator process alive");
            await StartOperatorAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        foreach (var replica in alive)
        {
            Say(step, $"SIGKILL {replica.Name} (pid {replica.Process.Id})");
            replica.Process.Kill();
        }

        _operatorKills.Enqueue(_time.GetUtcNow());

        Count(step.Kind);
        await StartOperatorAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task StartOperatorAsync(CancellationToken cancellationToken)
    {
        var started = _time.GetUtcNow();
        var replica = await sandbox.StartOperatorAsync(cancellationToken).ConfigureAwait(false);
        log.WriteLine($"  {replica.Name} started (pid {replica.Process.Id})");
        OperatorStarted?.Invoke(replica.Process.Id, started);
    }

    private async Task LoseLeaseAsync(FaultStep step, CancellationToken cancellationToken)
    {
        var leases = sandbox.Client.Resource<Lease>();
        var key = new ObjectKey(sandbox.OperatorNamespace, LeaseName);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                var lease = await leases.GetAsync(key, cancellationToken).ConfigureAwait(false);
                if (step.Count == 0)
                {
                    await leases.DeleteAsync(key, null, cancellationToken).ConfigureAwait(false);
                    Say(step, $"Lease deleted under {lease.Spec?.HolderIdentity}");
                }
                else
                {
                    var now = _time.GetUtcNow();
                    await leases.UpdateAsync(lease with
                    {
                        Spec = (lease.Spec ?? new LeaseSpec()) with { HolderIdentity = Intruder, AcquireTime = now, RenewTime = now, LeaseTransitions = (lease.Spec?.LeaseTransitions ?? 0) + 1 },
                    }, null, cancellationToken).ConfigureAwait(false);
                    Say(step, $"Lease taken from {lease.Spec?.HolderIdentity} by {Intruder} for {lease.Spec?.LeaseDurationSeconds} s");
                }

                Count(step.Kind);
                return;
            }
            catch (KubernetesConflictException)
            {
                // The leader renewed in between: read it again.
            }
            catch (KubernetesNotFoundException)
            {
                Skip(step, "no Lease (no leader yet)");
                return;
            }
            catch (Exception e) when (e is KubernetesApiException or HttpRequestException or IOException)
            {
                Skip(step, e.GetType().Name);
                return;
            }
        }

        Skip(step, "the leader renewed before every write");
    }

    private void KillModelServer(FaultStep step)
    {
        var pods = sandbox.NodeAgent.ProcessIds
            .Where(p => p.Key.Namespace == "default" && p.Key.Name.StartsWith(deploymentName + "-", StringComparison.Ordinal))
            .OrderBy(p => p.Key.Name, StringComparer.Ordinal)
            .ToList();
        if (pods.Count == 0)
        {
            Skip(step, "no model server running");
            return;
        }

        var (pod, pid) = pods[step.Count % pods.Count];
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
            Say(step, $"SIGKILL pod {pod.Name} (pid {pid}) with traffic in flight");
            Count(step.Kind);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            Skip(step, "the pod's process had just exited");
        }
    }

    private async Task WindowAsync(TimeSpan duration, Action end)
    {
        try
        {
            // The window is waited out even when the soak is stopping, so that the rule is always undone.
            await Task.Delay(duration, _time, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            end();
        }
    }

    private void Count(FaultKind kind) => _injected.AddOrUpdate(kind, 1, (_, n) => n + 1);

    private void Skip(FaultStep step, string why)
    {
        _skipped.AddOrUpdate($"{step.Kind}: {why}", 1, (_, n) => n + 1);
        Say(step, $"skipped: {why}");
    }

    private void Say(FaultStep step, string what) => log.WriteLine($"  fault {step.Kind}: {what}");

    private static string Seconds(TimeSpan t) => string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.#} s");
}
