using Grpc.Core;
using ModelOperator.Runtime.Server.Hosting;

namespace ModelOperator.Runtime.Server.Tests.Grpc;

/// <summary>A real server behind a corpus, shared by its cases (as REST's corpus shares one).</summary>
public abstract class GrpcCorpusServerBase : IAsyncLifetime
{
    private readonly Func<ServerOptions, ServerOptions> _configure;

    private protected GrpcCorpusServerBase(Func<ServerOptions, ServerOptions> configure) => _configure = configure;

    internal ServerFixture Server { get; private set; } = null!;

    internal GrpcClients Clients { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await ServerFixture.StartAsync(_configure);
        Clients = new GrpcClients(Server);
    }

    public async Task DisposeAsync()
    {
        Clients.Dispose();
        await Server.DisposeAsync();
    }

    /// <summary>The case's call is refused with its status code and, when it names one, a message holding its fragment.</summary>
    internal async Task AssertRefusedAsync(GrpcBadCase @case)
    {
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await Clients.Inference.ModelInferAsync(@case.Request()));

        Assert.Equal(@case.Code, refused.StatusCode);
        if (@case.Fragment is { } fragment)
        {
            Assert.Contains(fragment, refused.Status.Detail, StringComparison.Ordinal);
        }
    }

    /// <summary>The names of a corpus's cases, checked to be distinct, for a theory.</summary>
    internal static TheoryData<string> Names(IEnumerable<GrpcBadCase> corpus)
    {
        var data = new TheoryData<string>();
        foreach (var name in corpus.Select(c => c.Name).Distinct())
        {
            data.Add(name);
        }

        return data;
    }
}

/// <summary>The churn model with a small MAX_REQUEST_BODY_BYTES, so that gRPC's own limit is reached with a few MiB.</summary>
public sealed class GrpcCorpusServer() : GrpcCorpusServerBase(o => o with { MaxRequestBodyBytes = GrpcBadInputCorpus.MaxRequestBodyBytes });

public sealed class GrpcBadInputTests(GrpcCorpusServer fixture) : IClassFixture<GrpcCorpusServer>
{
    public static TheoryData<string> Names() => GrpcCorpusServerBase.Names(GrpcBadInputCorpus.All());

    [Fact]
    public void The_corpus_holds_at_least_200_bad_calls_with_distinct_names()
    {
        var cases = GrpcBadInputCorpus.All().ToList();

        Assert.True(cases.Count >= 200, $"only {cases.Count} cases");
        Assert.Equal(cases.Count, cases.Select(c => c.Name).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task A_bad_call_gets_its_status_code_and_the_next_good_call_works(string name)
    {
        await fixture.AssertRefusedAsync(GrpcBadInputCorpus.All().Single(c => c.Name == name));

        var inference = fixture.Clients.Inference;
        var good = await inference.ModelInferAsync(GrpcBadInputCorpus.Good());
        Assert.Equal("churn_probability", Assert.Single(good.Outputs).Name);
        var raw = GrpcBadInputCorpus.Raw([1, 8], 0);
        raw.RawInputContents[0] = GrpcBadInputCorpus.RawOf(new float[8]);
        Assert.Single((await inference.ModelInferAsync(raw)).RawOutputContents);
    }
}
