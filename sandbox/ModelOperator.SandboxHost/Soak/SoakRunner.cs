using System.Globalization;
using ModelOperator.SandboxHost.Demo;

namespace ModelOperator.SandboxHost.Soak;

/// <summary>
/// A fault soak on a running <see cref="LocalSandbox"/>: version 1 first, then traffic through the Service proxy,
/// rollout rounds of good and bad versions (<see cref="RolloutRounds"/>) and faults from a seeded schedule
/// (<see cref="FaultSchedule"/>, <see cref="SoakFaults"/>) for <see cref="SoakOptions.Duration"/>, while
/// <see cref="SoakObserver"/> records the world and <see cref="SoakInvariants"/> are checked every minute and at the end.
/// The last round finishes with the faults off, then the report is printed and written.
/// </summary>
public sealed class SoakRunner(LocalSandbox sandbox, string repositoryRoot, SoakOptions options, TextWriter output, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly long _start = (time ?? TimeProvider.System).GetTimestamp();

    /// <summary>Runs the soak; returns its report (whose <see cref="SoakReport.Passed"/> says whether every invariant held).</summary>
    public async Task<SoakReport> RunAsync(CancellationToken cancellationToken)
    {
        var started = _time.GetUtcNow();
        var loadAtStart = LoadAverage();
        Say(string.Create(CultureInfo.InvariantCulture, $"soak: seed {options.Seed} (SOAK_SEED={options.Seed} replays the faults), faults for {GoDuration(options.Duration)}, {options.Rate:0} requests/s, load {loadAtStart} on {Environment.ProcessorCount} cores"));
        var log = new TimestampedWriter(this);
        await using var observer = new SoakObserver(sandbox, DemoRunner.Name, _time);
        foreach (var replica in sandbox.Operators.Where(o => !o.Process.HasExited))
        {
            observer.TrackOperator(replica.Process.Id, started);
        }

        observer.Start();
        var rounds = new RolloutRounds(sandbox, observer, repositoryRoot, options.Seed + 1, log, _time);
        var first = await rounds.RunRoundAsync(RolloutRounds.GoodVersions[0], cancellationToken).ConfigureAwait(false);
        if (first.Outcome != RoundOutcome.Promoted)
        {
            throw new InvalidOperationException($"the first version was not deployed ({first.Outcome}: {first.Reason}); logs in {sandbox.LogDirectory}");
        }

        var url = new Uri(sandbox.ServiceUrls[$"{DemoRunner.Namespace}/{DemoRunner.Name}"], $"v2/models/{DemoRunner.Name}/infer");
        var bodies = TrafficGenerator.BodiesFromCsv(Path.Combine(repositoryRoot, "examples", "models", "churn", "reference.csv"), "features");
        var traffic = new TrafficGenerator(url, bodies, options.Rate, _time) { OnAnswer = observer.Record };
        var faults = new SoakFaults(sandbox, DemoRunner.Name, log, _time) { OperatorStarted = observer.TrackOperator };
        try
        {
            traffic.Start();
            var faultsEnd = _time.GetUtcNow() + options.Duration;
            bool Faulting() => _time.GetUtcNow() < faultsEnd;
            using var stopChecks = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var checks = CheckEveryMinuteAsync(observer, rounds, faults, stopChecks.Token);
            var roundsRun = rounds.RunAsync(Faulting, cancellationToken);
            await InjectFaultsAsync(faults, Faulting, cancellationToken).ConfigureAwait(false);

            Say("faults over: API server rules off, an operator running; the last round finishes");
            faults.ResetApiServer();
            await faults.EnsureOperatorAsync(cancellationToken).ConfigureAwait(false);
            await roundsRun.ConfigureAwait(false);
            // Time for the last decision's Event and for the proxy to follow the last change before the final look.
            await Task.Delay(TimeSpan.FromSeconds(15), _time, cancellationToken).ConfigureAwait(false);
            await stopChecks.CancelAsync().ConfigureAwait(false);
            await checks.ConfigureAwait(false);
        }
        finally
        {
            await traffic.DisposeAsync().ConfigureAwait(false);
        }

        await observer.DisposeAsync().ConfigureAwait(false);
        var history = await observer.HistoryAsync(Template(rounds, faults), cancellationToken).ConfigureAwait(false);
        var invariants = SoakInvariants.CheckAll(history, options.RssWarmup, options.RssGrowthBound);
        var report = new SoakReport
        {
            Seed = options.Seed,
            Requested = options.Duration,
            Started = started,
            Ended = _time.GetUtcNow(),
            Load = $"{loadAtStart} at the start, {LoadAverage()} at the end (1-minute average, {Environment.ProcessorCount} cores)",
            Faults = faults.Injected,
            FaultsSkipped = faults.Skipped,
            Rounds = rounds.Rounds,
            RequestsSent = traffic.Succeeded + traffic.Failed,
            RequestsAnswered = traffic.Succeeded,
            FailedByReason = traffic.FailedByReason,
            AnsweredByVersion = traffic.AnsweredByVersion,
            MetadataAnswers = history.Metadata.Count,
            Invariants = invariants,
            Rss = history.Rss,
            RssGrowthBound = options.RssGrowthBound,
            RssWarmup = options.RssWarmup,
        };
        Say($"observer: {history.Statuses.Count} status samples, {history.Children.Count} child lists, {history.Answers.Count} answers, {observer.FailedLooks} looks failed (faults)");
        return report;
    }

    private async Task InjectFaultsAsync(SoakFaults faults, Func<bool> faulting, CancellationToken cancellationToken)
    {
        var schedule = new FaultSchedule(options.Seed);
        while (faulting() && !cancellationToken.IsCancellationRequested)
        {
            var step = schedule.Next();
            await Task.Delay(step.Wait, _time, cancellationToken).ConfigureAwait(false);
            if (!faulting())
            {
                break;
            }

            try
            {
                await faults.InjectAsync(step, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or HttpRequestException)
            {
                // A fault that could not be undone cleanly (Prometheus or an operator not starting again) ends the soak's
                // faults with a clear message; the invariants are still checked on what was seen.
                Say($"  fault {step.Kind} failed: {e.Message}");
                throw;
            }
        }
    }

    private async Task CheckEveryMinuteAsync(SoakObserver observer, RolloutRounds rounds, SoakFaults faults, CancellationToken cancellationToken)
    {
        var reported = new HashSet<string>(StringComparer.Ordinal);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMinutes(1), _time, cancellationToken).ConfigureAwait(false);
                var history = await observer.HistoryAsync(Template(rounds, faults), cancellationToken).ConfigureAwait(false);
                // A decision of the last half minute may not have its Event yet (status is written first): checked later.
                var settled = history with { Statuses = [.. history.Statuses.Where(s => s.Time < _time.GetUtcNow() - TimeSpan.FromSeconds(30))] };
                IReadOnlyList<InvariantResult> results =
                [
                    SoakInvariants.CheckChildren(history.Children),
                    SoakInvariants.CheckNoFailedPromotion(history.Statuses, history.BadVersions),
                    SoakInvariants.CheckBadVersionsRolledBack(history.Rounds),
                    SoakInvariants.CheckDecisionEvents(settled.Statuses, history.Events, history.OperatorKills),
                    SoakInvariants.CheckServedVersions(history.Answers.Where(a => a.Answered < _time.GetUtcNow() - SoakInvariants.ServingSlackAfter).ToList(), history.Statuses),
                    SoakInvariants.CheckChecksums(history.Metadata, history.Sha256ByVersion),
                    SoakInvariants.CheckRss(history.Rss, options.RssWarmup, options.RssGrowthBound),
                ];
                Say($"invariants: {string.Join(", ", results.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Name} {(r.Held ? "held" : "VIOLATED")} ({r.Checked})")))}");
                foreach (var line in results.SelectMany(r => r.Violations.Select(v => $"{r.Name}: {v}")).Where(reported.Add))
                {
                    Say($"  VIOLATION {line}");
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is Kubernetes.KubernetesApiException or HttpRequestException or IOException or OperationCanceledException)
            {
                Say($"invariants: not checked this minute ({e.GetType().Name}); checked again next minute");
            }
        }
    }

    private static SoakHistory Template(RolloutRounds rounds, SoakFaults faults) => new()
    {
        Rounds = rounds.Rounds,
        OperatorKills = faults.OperatorKills,
        BadVersions = new HashSet<string>([RolloutRounds.BadVersion], StringComparer.Ordinal),
        Sha256ByVersion = rounds.Sha256ByVersion,
    };

    /// <summary>The report printed, and written into its file between the markers when a path is set.</summary>
    public static async Task WriteAsync(SoakReport report, string? path, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        var text = report.Render();
        await output.WriteLineAsync().ConfigureAwait(false);
        await output.WriteLineAsync(text).ConfigureAwait(false);
        if (path is not null)
        {
            var existing = File.Exists(path) ? await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false) : string.Empty;
            await File.WriteAllTextAsync(path, SoakReport.ReplaceBetweenMarkers(existing, text), cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"(written to {path})").ConfigureAwait(false);
        }
    }

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private static string GoDuration(TimeSpan t) => Contracts.GoDuration.Format(t);

    private void Say(string line)
    {
        var t = _time.GetElapsedTime(_start);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{(int)t.TotalMinutes:00}:{t.Seconds:00}] {line}"));
    }

    /// <summary>The rounds' and faults' lines, with the soak's clock in front like its own.</summary>
    private sealed class TimestampedWriter(SoakRunner runner) : StringWriter(CultureInfo.InvariantCulture)
    {
        public override void WriteLine(string? value) => runner.Say(value ?? string.Empty);
    }
}
