using ModelOperator.Testing;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using ModelOperator.Contracts;
using static ModelOperator.Runtime.Server.Tests.Shadow.MirroringServers;

namespace ModelOperator.Runtime.Server.Tests.Shadow;

/// <summary>
/// A real stable server mirroring to a candidate: every copy compared and counted, the queue bounded, hostile candidates
/// counted as failed, and the user's answer the same bytes as a server that mirrors nothing.
/// </summary>
public sealed class MirroringTests
{
    private const string Output = "churn_probability";
    private static readonly string Request = ExpectedCase.Load("churn", 1)[0].RequestJson();

    /// <summary>The bytes a server that mirrors nothing answers the request with.</summary>
    private static async Task<byte[]> ReferenceAnswerAsync()
    {
        await using var plain = await ServerFixture.StartAsync();
        return await AnswerAsync(plain);
    }

    private static async Task<byte[]> AnswerAsync(ServerFixture server)
    {
        using var response = await server.PostJsonAsync("/v2/models/churn/infer", Request);
        Assert.Equal(200, (int)response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary>A candidate's answer with the churn probability replaced by <paramref name="value"/>.</summary>
    private static string CandidateAnswer(double value) => string.Create(CultureInfo.InvariantCulture,
        $$"""{"model_name":"churn","model_version":"2","outputs":[{"name":"{{Output}}","datatype":"FP32","shape":[1,1],"data":[{{value:R}}]}]}""");

    private static double Probability(byte[] answer) =>
        JsonDocument.Parse(answer).RootElement.GetProperty("outputs")[0].GetProperty("data")[0].GetDouble();

    [Fact]
    public async Task Mirroring_everything_to_a_real_candidate_compares_every_copy_and_users_get_the_same_bytes()
    {
        // Given a candidate server and a stable server that mirrors 100 % to it
        var reference = await ReferenceAnswerAsync();
        await using var candidate = await ServerFixture.StartAsync();
        await using var stable = await StartStableAsync(candidate.BaseAddress.ToString(), percent: 100, tolerance: 1e-6);

        // When users send 20 requests
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(reference, await AnswerAsync(stable));
        }

        // Then every copy reached the candidate, was compared, and agreed exactly (the same model)
        var samples = await WaitForAsync(stable, s => Copies(s, ShadowContract.Compared) == 20);
        Assert.Equal(20, Value(samples, ShadowContract.Agreements));
        Assert.Equal(20, Value(samples, ShadowContract.AbsoluteDifference + "_bucket", ("output", Output), ("le", "0")));
        Assert.Equal(20, Value(samples, ShadowContract.TopClass, ("output", Output), (ShadowContract.TopClassLabel, "agree")));
        Assert.Equal(20, Value(samples, ShadowContract.CandidateDuration + "_count"));
        Assert.Equal((0, 0), (Copies(samples, ShadowContract.Failed), Copies(samples, ShadowContract.Dropped)));
        var served = await ScrapeAsync(candidate);
        Assert.Equal(20, Value(served, ModelServerMetricNames.Requests, ("outcome", "success")));
    }

    [Fact]
    public async Task Known_pairs_are_counted_exactly_and_the_candidates_answer_never_reaches_the_user()
    {
        // Given a candidate whose answer the test sets (it answers at once, faster than the stable model)
        var reference = await ReferenceAnswerAsync();
        var ours = Probability(reference);
        var answer = Encoding.UTF8.GetString(reference);
        await using var candidate = await FileOrigin.StartAsync(async context =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(Volatile.Read(ref answer));
        });
        await using var stable = await StartStableAsync(candidate.Url("/"), percent: 100, tolerance: 0.01);

        // When the candidate answers: the same bytes, within the tolerance, outside it, and with the other top class
        (string Answer, int Agreements, int TopAgree, int TopDisagree, string Bucket)[] pairs =
        [
            (Encoding.UTF8.GetString(reference), 1, 1, 0, "0"),
            (CandidateAnswer(ours + 0.004), 2, 2, 0, "0.005"),
            (CandidateAnswer(ours + 0.2), 2, 3, 0, "0.25"),
            (CandidateAnswer(0.9), 2, 3, 1, "1"),
        ];
        for (var i = 0; i < pairs.Length; i++)
        {
            Volatile.Write(ref answer, pairs[i].Answer);
            Assert.Equal(reference, await AnswerAsync(stable));

            // Then each copy is counted as it should be, and the user only ever got the stable answer
            var compared = i + 1;
            var samples = await WaitForAsync(stable, s => Copies(s, ShadowContract.Compared) == compared);
            Assert.Equal(pairs[i].Agreements, Value(samples, ShadowContract.Agreements));
            Assert.Equal(pairs[i].TopAgree, Value(samples, ShadowContract.TopClass, ("output", Output), (ShadowContract.TopClassLabel, "agree")));
            Assert.Equal(pairs[i].TopDisagree, Value(samples, ShadowContract.TopClass, ("output", Output), (ShadowContract.TopClassLabel, "disagree")));
            Assert.Equal(compared, Value(samples, ShadowContract.AbsoluteDifference + "_bucket", ("output", Output), ("le", pairs[i].Bucket)));
            Assert.Equal(compared - 1, Value(samples, ShadowContract.AbsoluteDifference + "_bucket", ("output", Output), ("le", PreviousBucket(pairs[i].Bucket))));
        }

        var final = await ScrapeAsync(stable);
        Assert.Equal(0.004 + 0.2 + (0.9 - ours), Value(final, ShadowContract.AbsoluteDifference + "_sum", ("output", Output)), 6);
    }

    private static string PreviousBucket(string bucket) => bucket switch
    {
        "0" => "-1", // no such bucket: the sum of nothing is 0
        "0.005" => "0.001",
        "0.25" => "0.1",
        _ => "0.5",
    };

    [Fact]
    public async Task A_candidate_that_never_answers_fills_the_bounded_queue_and_the_rest_are_dropped_and_counted()
    {
        // Given a candidate that takes every copy and never answers, and a queue of 2
        await using var candidate = await FileOrigin.StartAsync(context => Task.Delay(Timeout.Infinite, context.RequestAborted));
        var reference = await ReferenceAnswerAsync();
        await using var stable = await StartStableAsync(candidate.Url("/"), percent: 100, tolerance: 0.01,
            o => o with { ShadowQueueCapacity = 2, ShadowTimeout = TimeSpan.FromSeconds(60) });

        // When users send 30 requests
        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(reference, await AnswerAsync(stable));
        }

        // Then at most the queue and the senders' batches (each at most what the queue held) hold copies; every other
        // one was dropped, none waited for
        var samples = await ScrapeAsync(stable);
        var held = 2 + (Server.Shadow.ShadowMirror.Senders * 2);
        Assert.InRange(Copies(samples, ShadowContract.Dropped), 30 - held, 29);
        Assert.Equal((0, 0), (Copies(samples, ShadowContract.Compared), Copies(samples, ShadowContract.Failed)));
        Assert.Equal(30, Value(samples, ModelServerMetricNames.Requests, ("outcome", "success")));
    }

    public static TheoryData<string> Hostile => new() { "huge", "huge-chunked", "redirect", "garbage", "error", "slow", "binary-bad-header", "binary-short" };

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task A_hostile_candidate_answer_is_counted_as_failed_and_the_user_never_notices(string kind)
    {
        // Given a candidate that answers in a hostile way
        var reference = await ReferenceAnswerAsync();
        await using var candidate = await FileOrigin.StartAsync(async context =>
        {
            switch (kind)
            {
                // A valid answer padded with 10 MiB of white space (still valid JSON): only the size cap refuses it.
                case "huge":
                    context.Response.ContentLength = reference.Length + (10 << 20);
                    await context.Response.Body.WriteAsync(reference);
                    await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(new string(' ', 10 << 20)));
                    break;
                case "huge-chunked":
                    await context.Response.Body.WriteAsync(reference);
                    for (var i = 0; i < 160; i++)
                    {
                        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(new string(' ', 64 * 1024)));
                    }

                    break;
                case "redirect" when context.Request.Path.StartsWithSegments("/v2"):
                    // To an answer that would be compared, were the redirect followed.
                    context.Response.Redirect("/elsewhere");
                    break;
                case "redirect":
                case "slow":
                    if (kind == "slow")
                    {
                        await Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted);
                    }

                    context.Response.ContentType = "application/json";
                    await context.Response.WriteAsync(Encoding.UTF8.GetString(reference));
                    break;
                case "garbage":
                    await context.Response.WriteAsync("{\"outputs\": [garbage");
                    break;

                // A valid JSON answer framed as the binary data extension in a way that cannot be read: never a silent agreement.
                case "binary-bad-header":
                case "binary-short":
                    context.Response.Headers["Inference-Header-Content-Length"] = kind == "binary-short" ? (reference.Length + 1).ToString(CultureInfo.InvariantCulture) : "abc";
                    await context.Response.Body.WriteAsync(reference);
                    break;
                default:
                    context.Response.StatusCode = 500;
                    await context.Response.WriteAsync("{\"error\":\"boom\"}");
                    break;
            }
        });
        await using var stable = await StartStableAsync(candidate.Url("/"), percent: 100, tolerance: 0.01, o => o with { ShadowTimeout = TimeSpan.FromMilliseconds(200) });

        // When users send 5 requests
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(reference, await AnswerAsync(stable));
        }

        // Then every copy failed, none was compared, and the users got the stable answer every time
        var samples = await WaitForAsync(stable, s => Copies(s, ShadowContract.Failed) == 5);
        Assert.Equal(0, Copies(samples, ShadowContract.Compared));
        Assert.Equal(5, Value(samples, ModelServerMetricNames.Requests, ("outcome", "success")));
    }

    [Fact]
    public async Task Without_an_instruction_for_this_revision_nothing_is_mirrored()
    {
        await using var candidate = await ServerFixture.StartAsync();
        await using var stable = await StartStableAsync(candidate.BaseAddress.ToString(), percent: 100, tolerance: 0.01, o => o with { Revision = "churn-0the0ther" });

        await AnswerAsync(stable);

        var samples = await ScrapeAsync(stable);
        Assert.Equal(0, Copies(samples, ShadowContract.Compared) + Copies(samples, ShadowContract.Failed) + Copies(samples, ShadowContract.Dropped));
        Assert.Equal(0, Value(await ScrapeAsync(candidate), ModelServerMetricNames.Requests));
    }
}
