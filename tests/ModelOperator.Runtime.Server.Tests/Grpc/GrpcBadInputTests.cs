using Grpc.Core;

namespace ModelOperator.Runtime.Server.Tests.Grpc;

/// <summary>A real server behind the corpus, shared by its cases (as REST's corpus shares one).</summary>
public sealed class GrpcCorpusServer : IAsyncLifetime
{
    internal ServerFixture Server { get; private set; } = null!;

    internal GrpcClients Clients { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await ServerFixture.StartAsync(o => o with { MaxRequestBodyBytes = GrpcBadInputCorpus.MaxRequestBodyBytes });
        Clients = new GrpcClients(Server);
    }

    public async Task DisposeAsync()
    {
        Clients.Dispose();
        await Server.DisposeAsync();
    }
}

public sealed class GrpcBadInputTests(GrpcCorpusServer fixture) : IClassFixture<GrpcCorpusServer>
{
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var @case in GrpcBadInputCorpus.All())
        {
            data.Add(@case.Name);
        }

        return data;
    }

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
        var @case = GrpcBadInputCorpus.All().Single(c => c.Name == name);
        var inference = fixture.Clients.Inference;

        var refused = await Assert.ThrowsAsync<RpcException>(async () => await inference.ModelInferAsync(@case.Request()));

        Assert.Equal(@case.Code, refused.StatusCode);
        if (@case.Fragment is { } fragment)
        {
            Assert.Contains(fragment, refused.Status.Detail, StringComparison.Ordinal);
        }

        var good = await inference.ModelInferAsync(GrpcBadInputCorpus.Good());
        Assert.Equal("churn_probability", Assert.Single(good.Outputs).Name);
        var raw = GrpcBadInputCorpus.Raw([1, 8], 0);
        raw.RawInputContents[0] = GrpcBadInputCorpus.RawOf(new float[8]);
        Assert.Single((await inference.ModelInferAsync(raw)).RawOutputContents);
    }
}
