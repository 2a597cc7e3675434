using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Testing;

namespace ModelOperator.Kubernetes.Tests.ApiServer;

/// <summary>A resource client made with its own decoding reads every answer with it, and still writes whole objects.</summary>
public sealed class DecodingTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Lists_gets_writes_and_watch_events_are_read_with_the_decoding_while_writes_send_the_whole_object()
    {
        await using var api = await ApiServerFixture.StartAsync();
        var whole = api.Client.Resource<Lease>();
        var trimmed = api.Client.Resource<Lease>(WithoutSpec());
        var version = (await whole.ListAsync("default")).Metadata.ResourceVersion;

        var created = await trimmed.CreateAsync(NewLease("a", "pod-1"));
        var listed = await trimmed.ListAsync("default", new ListOptions { Limit = 10 });
        var got = await trimmed.GetAsync(new ObjectKey("default", "a"));
        using var cts = new CancellationTokenSource(Deadline);
        WatchEvent<Lease>? added = null;
        await foreach (var e in trimmed.WatchAsync("default", new WatchOptions { ResourceVersion = version }, cts.Token))
        {
            added = e;
            break;
        }

        // The server got and kept the spec; the decoding client never builds it.
        Assert.Equal("pod-1", (await whole.GetAsync(new ObjectKey("default", "a"))).Spec!.HolderIdentity);
        Assert.Equal("a", created.Metadata.Name);
        Assert.All(new[] { created, listed.Items.Single(), got, added!.Object! }, l => Assert.Null(l.Spec));
        Assert.Equal(created.Metadata.Uid, added.Object!.Metadata.Uid);
    }

    private static Lease NewLease(string name, string holder) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = "default" },
        Spec = new LeaseSpec { HolderIdentity = holder },
    };

    // A Lease contract that reads past the spec, as a cache that does not keep it would.
    private static JsonSerializerOptions WithoutSpec() => new(Lease.JsonTypeInfo.Options)
    {
        TypeInfoResolver = Lease.JsonTypeInfo.Options.TypeInfoResolver!.WithAddedModifier(info =>
        {
            if (info.Type == typeof(Lease))
            {
                info.Properties.Single(p => p.Name == "spec").CustomConverter = new SkipSpec();
            }
        }),
    };

    private sealed class SkipSpec : JsonConverter<LeaseSpec>
    {
        public override LeaseSpec? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            reader.Skip();
            return null;
        }

        public override void Write(Utf8JsonWriter writer, LeaseSpec value, JsonSerializerOptions options) => writer.WriteNullValue();
    }
}
