using Grpc.Core;

namespace ModelOperator.Runtime.Server.Tests.Grpc;

/// <summary>A real server of the strings example behind the BYTES corpus, shared by its cases.</summary>
public sealed class GrpcStringsServer : IAsyncLifetime
{
    internal ServerFixture Server { get; private set; } = null!;

    internal GrpcClients Clients { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await ServerFixture.StartAsync(o => o with { ModelName = GrpcBytesBadInputCorpus.Model, ModelUri = ServerFixture.ModelPath(GrpcBytesBadInputCorpus.Model, 1) });
        Clients = new GrpcClients(Server);
    }

    public async Task DisposeAsync()
    {
        Clients.Dispose();
        await Server.DisposeAsync();
    }
}

public sealed class GrpcBytesBadInputTests(GrpcStringsServer fixture) : IClassFixture<GrpcStringsServer>
{
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var @case in GrpcBytesBadInputCorpus.All())
        {
            data.Add(@case.Name);
        }

        return data;
    }

    [Fact]
    public void The_BYTES_corpus_has_distinct_names()
    {
        var cases = GrpcBytesBadInputCorpus.All().ToList();

        Assert.True(cases.Count >= 40, $"only {cases.Count} cases");
        Assert.Equal(cases.Count, cases.Select(c => c.Name).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task A_bad_BYTES_call_gets_its_status_code_and_the_next_good_calls_work(string name)
    {
        var @case = GrpcBytesBadInputCorpus.All().Single(c => c.Name == name);
        var inference = fixture.Clients.Inference;

        var refused = await Assert.ThrowsAsync<RpcException>(async () => await inference.ModelInferAsync(@case.Request()));

        Assert.Equal(@case.Code, refused.StatusCode);
        if (@case.Fragment is { } fragment)
        {
            Assert.Contains(fragment, refused.Status.Detail, StringComparison.Ordinal);
        }

        var typed = await inference.ModelInferAsync(GrpcBytesBadInputCorpus.Good(raw: false));
        Assert.Equal(["red", "blue", "purple", ""], typed.Outputs.Single(o => o.Name == "colour_out").Contents.BytesContents.Select(b => b.ToStringUtf8()));
        var raw = await inference.ModelInferAsync(GrpcBytesBadInputCorpus.Good(raw: true));
        Assert.Equal(3, raw.RawOutputContents.Count);
    }
}
