using ModelOperator.ControllerRuntime.Events;
using ModelOperator.ControllerRuntime.Tests.Support;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Testing;

namespace ModelOperator.ControllerRuntime.Tests.ApiServer;

public sealed class EventRecorderApiServerTests : IAsyncLifetime
{
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private ApiServerFixture _api = null!;

    public async Task InitializeAsync() => _api = await ApiServerFixture.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private static Lease Involved => Objects.Lease("default", "model-a", "7");

    private async Task<IReadOnlyList<Event>> Events() =>
        (await _api.Client.Resource<Event>().ListAsync("default")).Items;

    [Fact]
    public async Task The_same_event_twice_becomes_one_event_with_count_two()
    {
        using var recorder = new EventRecorder(_api.Client.Resource<Event>(), _clock, options: new EventRecorderOptions { Instance = "pod-1" });

        await recorder.RecordAsync(Involved, EventType.Warning, "AnalysisFailed", "error rate 7% above 5%");
        _clock.Advance(TimeSpan.FromSeconds(90));
        await recorder.RecordAsync(Involved, EventType.Warning, "AnalysisFailed", "error rate 7% above 5%");

        var e = Assert.Single(await Events());
        Assert.Equal(2, e.Count);
        Assert.Equal("Warning", e.Type);
        Assert.Equal("AnalysisFailed", e.Reason);
        Assert.Equal("error rate 7% above 5%", e.Message);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero), e.FirstTimestamp);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 12, 1, 30, TimeSpan.Zero), e.LastTimestamp);
        Assert.Equal("modeloperator", e.ReportingComponent);
        Assert.Equal("pod-1", e.ReportingInstance);
        Assert.Equal("modeloperator", e.Source!.Component);
        Assert.Equal("Lease", e.InvolvedObject!.Kind);
        Assert.Equal("model-a", e.InvolvedObject.Name);
        Assert.Equal("uid-default-model-a", e.InvolvedObject.Uid);
        Assert.StartsWith("model-a.", e.Metadata.Name, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Different_reasons_messages_or_types_are_separate_events()
    {
        using var recorder = new EventRecorder(_api.Client.Resource<Event>(), _clock);

        await recorder.RecordAsync(Involved, EventType.Normal, "ScaledUp", "3 -> 4");
        await recorder.RecordAsync(Involved, EventType.Normal, "ScaledUp", "4 -> 5");
        await recorder.RecordAsync(Involved, EventType.Warning, "ScaledUp", "4 -> 5");
        await recorder.RecordAsync(Involved, EventType.Normal, "Promoted", "4 -> 5");

        var events = await Events();
        Assert.Equal(4, events.Count);
        Assert.All(events, e => Assert.Equal(1, e.Count));
    }

    [Fact]
    public async Task An_event_deleted_on_the_server_is_created_again()
    {
        using var recorder = new EventRecorder(_api.Client.Resource<Event>(), _clock);
        await recorder.RecordAsync(Involved, EventType.Normal, "Synced", "ok");
        var first = Assert.Single(await Events());
        await _api.Client.Resource<Event>().DeleteAsync(ObjectKey.From(first));

        await recorder.RecordAsync(Involved, EventType.Normal, "Synced", "ok");

        var again = Assert.Single(await Events());
        Assert.Equal(1, again.Count);
        Assert.NotEqual(first.Metadata.Name, again.Metadata.Name);
    }

    [Fact]
    public async Task Failures_are_logged_not_thrown()
    {
        using var recorder = new EventRecorder(_api.Client.Resource<Event>(), _clock);
        _api.Server.Faults.FailEveryKthWrite(1, "events");

        await recorder.RecordAsync(Involved, EventType.Normal, "Synced", "ok");
        await recorder.RecordAsync(new Lease(), EventType.Normal, "NoName", "the object has no name");
        await recorder.RecordAsync(Involved, EventType.Normal, " ", "blank reason");

        _api.Server.Faults.Reset();
        Assert.Empty(await Events());
    }

    [Theory]
    [InlineData(2)] // the second write (a new Event) and the fourth (an aggregating patch) are 409s
    [InlineData(3)] // the third write (the aggregating patch) is a 409
    public async Task A_write_answered_with_a_conflict_is_tried_again_and_the_event_is_kept(int k)
    {
        using var recorder = new EventRecorder(_api.Client.Resource<Event>(), _clock);
        _api.Server.Faults.FailEveryKthWrite(k, "events");

        await recorder.RecordAsync(Involved, EventType.Normal, "Progressing", "canary started");
        await recorder.RecordAsync(Involved, EventType.Normal, "Promoted", "canary promoted");
        await recorder.RecordAsync(Involved, EventType.Normal, "Promoted", "canary promoted");

        _api.Server.Faults.Reset();
        var events = await Events();
        Assert.Equal(1, Assert.Single(events, e => e.Reason == "Progressing").Count);
        Assert.Equal(2, Assert.Single(events, e => e.Reason == "Promoted").Count);
    }

    [Fact]
    public void Conflict_attempts_are_bounded()
    {
        var e = Assert.Throws<ArgumentException>(() => new EventRecorder(_api.Client.Resource<Event>(), _clock, options: new EventRecorderOptions { ConflictAttempts = 0 }));
        Assert.Contains("ConflictAttempts is 0; it must be from 1 to 10", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cluster_scoped_objects_get_their_events_in_default_and_long_messages_are_cut()
    {
        using var recorder = new EventRecorder(_api.Client.Resource<Event>(), _clock, options: new EventRecorderOptions { MaxMessageLength = 20 });
        var ns = new Kubernetes.Models.Namespace { Metadata = new ObjectMeta { Name = "serving", Uid = "u-ns" } };

        await recorder.RecordAsync(ns, EventType.Normal, "Labelled", new string('x', 50));

        var e = Assert.Single(await Events());
        Assert.Equal(new string('x', 17) + "...", e.Message);
        Assert.Null(e.InvolvedObject!.Namespace);
    }

    [Fact]
    public async Task The_aggregation_cache_is_bounded()
    {
        using var recorder = new EventRecorder(_api.Client.Resource<Event>(), _clock, options: new EventRecorderOptions { CacheSize = 1 });

        await recorder.RecordAsync(Involved, EventType.Normal, "A", "a");
        await recorder.RecordAsync(Involved, EventType.Normal, "B", "b"); // evicts A
        await recorder.RecordAsync(Involved, EventType.Normal, "A", "a"); // a new Event, not a patch

        Assert.Equal(3, (await Events()).Count);
    }

    [Fact]
    public async Task A_hanging_event_write_for_one_object_does_not_hold_up_another_objects_events()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var recorder = new EventRecorder(HoldingEventClient.Create(_api.Client.Resource<Event>(), "model-slow", release.Task), _clock);

        var held = recorder.RecordAsync(Objects.Lease("default", "model-slow", "1"), EventType.Normal, "Progressing", "v1 starts");
        // Two reconcile workers record at once: the other object's Event is written while the first write still hangs.
        await recorder.RecordAsync(Objects.Lease("default", "model-fast", "1"), EventType.Normal, "Progressing", "v1 starts").WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(held.IsCompleted);
        Assert.Equal("model-fast", Assert.Single(await Events()).InvolvedObject!.Name);
        release.SetResult();
        await held.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(["model-fast", "model-slow"], (await Events()).Select(e => e.InvolvedObject!.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_same_event_recorded_twice_at_once_still_becomes_one_event_with_count_two()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var recorder = new EventRecorder(HoldingEventClient.Create(_api.Client.Resource<Event>(), "model-a", release.Task), _clock);

        var first = recorder.RecordAsync(Involved, EventType.Normal, "Progressing", "v1 starts");
        var second = recorder.RecordAsync(Involved, EventType.Normal, "Progressing", "v1 starts"); // waits for the first: it must patch, not create
        release.SetResult();
        await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, Assert.Single(await Events()).Count);
    }
}
