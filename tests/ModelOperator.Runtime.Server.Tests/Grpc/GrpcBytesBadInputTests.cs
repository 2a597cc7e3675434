namespace ModelOperator.Runtime.Server.Tests.Grpc;

/// <summary>A real server of the strings example behind the BYTES corpus.</summary>
public sealed class GrpcStringsServer() : GrpcCorpusServerBase(o => o with
{
    ModelName = GrpcBytesBadInputCorpus.Model,
    ModelUri = ServerFixture.ModelPath(GrpcBytesBadInputCorpus.Model, 1),
});

public sealed class GrpcBytesBadInputTests(GrpcStringsServer fixture) : IClassFixture<GrpcStringsServer>
{
    public static TheoryData<string> Names() => GrpcCorpusServerBase.Names(GrpcBytesBadInputCorpus.All());

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
        await fixture.AssertRefusedAsync(GrpcBytesBadInputCorpus.All().Single(c => c.Name == name));

        var inference = fixture.Clients.Inference;
        var typed = await inference.ModelInferAsync(GrpcBytesBadInputCorpus.Good(raw: false));
        Assert.Equal(["red", "blue", "purple", ""], typed.Outputs.Single(o => o.Name == "colour_out").Contents.BytesContents.Select(b => b.ToStringUtf8()));
        var raw = await inference.ModelInferAsync(GrpcBytesBadInputCorpus.Good(raw: true));
        Assert.Equal(3, raw.RawOutputContents.Count);
    }
}
