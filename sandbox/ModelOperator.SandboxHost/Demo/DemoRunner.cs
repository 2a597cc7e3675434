using System.Globalization;
using ModelOperator.Api;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.SandboxHost.Demo;

/// <summary>
/// What <c>make run</c> shows on a running <see cref="LocalSandbox"/>: version 1 of the churn model applied with kubectl,
/// steady traffic through the Service proxy, version 2 (a good model) promoted step by step, then version 3 (its
/// predictions drift) rolled back by the analysis (with the examples' shadow step, before it answered any user). It
/// prints the rollout's story as the status tells it, then which versions answered the traffic, and fails with a
/// message when a stage does not happen in time.
/// </summary>
public sealed class DemoRunner(LocalSandbox sandbox, string repositoryRoot, TextWriter output, TimeProvider? time = null)
{
    public const string Namespace = "default";
    public const string Name = "churn";
    private readonly long _start = (time ?? TimeProvider.System).GetTimestamp();
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private ModelDeployment? _last;

    /// <summary>Traffic rate in requests per second.</summary>
    public double Rate { get; init; } = 50;

    /// <summary>How long one stage (ready, promoted, rolled back) may take before the demo gives up.</summary>
    public TimeSpan StageTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The traffic, once started; whoever runs the demo disposes it, whether the demo finished or not.</summary>
    public TrafficGenerator? Traffic { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await ApplyAsync(1, cancellationToken).ConfigureAwait(false);
        await WaitAsync("version 1 to serve", md => md.Status?.Phase == Phases.Healthy && md.Status.StableRevision?.ModelVersion == "1", cancellationToken).ConfigureAwait(false);

        var url = new Uri(sandbox.ServiceUrls[$"{Namespace}/{Name}"], $"v2/models/{Name}/infer");
        var csv = Path.Combine(repositoryRoot, "examples", "models", "churn", "reference.csv");
        var traffic = Traffic = new TrafficGenerator(url, TrafficGenerator.BodiesFromCsv(csv, "features"), Rate);
        traffic.Start();
        Say(string.Create(CultureInfo.InvariantCulture, $"traffic: {Rate:0} requests/s to {url} (customers from examples/models/churn/reference.csv)"));
        await Task.Delay(TimeSpan.FromSeconds(10), _time, cancellationToken).ConfigureAwait(false);
        Say(string.Create(CultureInfo.InvariantCulture, $"traffic: {traffic.Succeeded} answered, {traffic.Failed} failed so far"));

        await ApplyAsync(2, cancellationToken).ConfigureAwait(false);
        await WaitAsync("version 2 to be promoted", md => md.Status?.StableRevision?.ModelVersion == "2" && md.Status.CanaryRevision is null && md.Status.Phase == Phases.Healthy, cancellationToken).ConfigureAwait(false);
        Say(HasShadowStep(_last) ? "version 2 is stable: its shadow step and every analysis passed and it was promoted" : "version 2 is stable: every analysis passed and it was promoted");
        var bakeUntil = _last?.Status?.BakeUntil;
        if (bakeUntil is { } until && until > _time.GetUtcNow())
        {
            Say($"waiting for its bake window to end ({until:HH:mm:ss} UTC) before version 3");
            // The operator ends the bake (its decision, and bakeUntil cleared) when it reconciles at that time: wait for
            // that, not for the clock, or version 3 may be applied before the bake's end is decided and told.
            await WaitAsync("the bake window to end", md => md.Status?.BakeUntil is null, cancellationToken).ConfigureAwait(false);
        }

        await ApplyAsync(3, cancellationToken).ConfigureAwait(false);
        await WaitAsync("version 3 to be rolled back", md => md.Status?.Phase == Phases.RolledBack, cancellationToken).ConfigureAwait(false);
        var decision = _last?.Status?.LastDecision;
        Say($"version 3 was rolled back by itself: {decision?.Reason} — {decision?.Message}");
        Say(string.Create(CultureInfo.InvariantCulture, $"traffic: {traffic.Succeeded} answered ({AnswersByVersion(traffic.AnsweredByVersion)}), {traffic.Failed} failed in all"));
        Say(traffic.AnsweredByVersion.GetValueOrDefault("3") is var seen && seen == 0
            ? "no user request was answered by version 3 (the model_version of every answer the traffic got)"
            : string.Create(CultureInfo.InvariantCulture, $"users got {seen} answers from version 3 before its rollback"));
    }

    /// <summary><c>v1 1234, v2 5678</c>: the answers the traffic got, by the model_version each named.</summary>
    internal static string AnswersByVersion(IReadOnlyDictionary<string, long> answered) =>
        answered.Count == 0 ? "none" : string.Join(", ", answered.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => string.Create(CultureInfo.InvariantCulture, $"v{a.Key} {a.Value}")));

    private static bool HasShadowStep(ModelDeployment? md) => md?.Spec?.Rollout?.Steps?.Any(s => s.Shadow is not null) == true;

    private async Task ApplyAsync(int version, CancellationToken cancellationToken)
    {
        var file = $"examples/sandbox/churn-v{version}.yaml";
        var result = (await sandbox.Kubectl.RunAsync(["apply", "-f", file], null, cancellationToken).ConfigureAwait(false)).EnsureSuccess();
        Say($"$ kubectl apply -f {file}");
        Say($"  {result.Stdout.Trim()}");
    }

    private async Task WaitAsync(string what, Func<ModelDeployment, bool> done, CancellationToken cancellationToken)
    {
        var deadline = Elapsed + StageTimeout;
        while (Elapsed < deadline)
        {
            ModelDeployment? md = null;
            try
            {
                md = await sandbox.Client.Resource<ModelDeployment>().GetAsync(new ObjectKey(Namespace, Name), cancellationToken).ConfigureAwait(false);
            }
            catch (KubernetesNotFoundException)
            {
            }

            if (md is not null)
            {
                foreach (var line in RolloutNarrator.Describe(_last, md))
                {
                    Say(line);
                }

                _last = md;
                if (done(md))
                {
                    return;
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), _time, cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException($"gave up waiting for {what} after {StageTimeout.TotalMinutes:0} minutes; the last status: {(_last is null ? "none" : RolloutNarrator.Picture(_last))}; logs in {sandbox.LogDirectory}");
    }

    private TimeSpan Elapsed => _time.GetElapsedTime(_start);

    private void Say(string line)
    {
        var t = Elapsed;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{(int)t.TotalMinutes:00}:{t.Seconds:00}] {line}"));
    }
}
