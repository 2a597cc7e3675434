using System.Text;
using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Secrets;
using ModelOperator.Operator.Tests.Scenarios;

namespace ModelOperator.Operator.Tests.Secrets;

/// <summary>Header values read from Secrets in the in-memory API server, on the bed's manual clock: the short cache, and each problem named without the value.</summary>
public sealed class SecretHeaderReaderTests
{
    private static readonly HttpHeader Authorization = new()
    {
        Name = "Authorization",
        ValueFrom = new HttpHeaderSource { SecretKeyRef = new SecretKey { Name = "kpi-token", Key = "authorization" } },
    };

    private static Task<Secret> PutAsync(OperatorTestBed bed, string value) =>
        bed.Client.Resource<Secret>().CreateAsync(new Secret
        {
            Metadata = new ObjectMeta { Name = "kpi-token", Namespace = OperatorTestBed.Namespace },
            Data = new Dictionary<string, byte[]> { ["authorization"] = Encoding.UTF8.GetBytes(value) },
        });

    [Fact]
    public async Task A_rotated_token_is_used_once_the_cache_of_ten_seconds_expires()
    {
        await using var bed = await OperatorTestBed.StartAsync();
        var reader = new SecretHeaderReader(bed.Client.Resource<Secret>(), bed.Clock);
        var secret = await PutAsync(bed, "Bearer one");
        var literal = new HttpHeader { Name = "X-Tenant", Value = "shop" };

        var first = await reader.ReadAsync(OperatorTestBed.Namespace, [Authorization, literal], CancellationToken.None);
        await bed.Client.Resource<Secret>().UpdateAsync(secret with { Data = new Dictionary<string, byte[]> { ["authorization"] = Encoding.UTF8.GetBytes("Bearer two") } });
        bed.Clock.Advance(SecretHeaderReader.CacheFor - TimeSpan.FromSeconds(1));
        var cached = await reader.ReadAsync(OperatorTestBed.Namespace, [Authorization], CancellationToken.None);
        bed.Clock.Advance(TimeSpan.FromSeconds(1));
        var renewed = await reader.ReadAsync(OperatorTestBed.Namespace, [Authorization], CancellationToken.None);

        Assert.Equal([new("Authorization", "Bearer one"), new("X-Tenant", "shop")], first.Values);
        Assert.Equal("Bearer one", cached.Values.Single().Value);
        Assert.Equal("Bearer two", renewed.Values.Single().Value);
        Assert.Equal("headers: Authorization, X-Tenant", first.ToString());
    }

    [Fact]
    public async Task A_missing_Secret_is_not_cached_so_creating_it_takes_effect_at_the_next_call()
    {
        await using var bed = await OperatorTestBed.StartAsync();
        var reader = new SecretHeaderReader(bed.Client.Resource<Secret>(), bed.Clock);

        var missing = await reader.ReadAsync(OperatorTestBed.Namespace, [Authorization], CancellationToken.None);
        await PutAsync(bed, "Bearer one");
        var found = await reader.ReadAsync(OperatorTestBed.Namespace, [Authorization], CancellationToken.None);

        Assert.Equal("header Authorization: Secret ml/kpi-token was not found", missing.Problem);
        Assert.Empty(missing.Values);
        Assert.Null(found.Problem);
    }

    [Theory]
    [InlineData("Bearer tok-5e1f\n", "ends with a newline")]
    [InlineData("Bearer tok-5e1f\r\nX-Admin: yes", "is not a header value: it must be at most 4096 printable ASCII characters")]
    [InlineData(" Bearer tok-5e1f", "is not a header value")]
    public async Task A_value_that_is_not_a_header_value_is_refused_without_being_shown(string value, string says)
    {
        await using var bed = await OperatorTestBed.StartAsync();
        var reader = new SecretHeaderReader(bed.Client.Resource<Secret>(), bed.Clock);
        await PutAsync(bed, value);

        var read = await reader.ReadAsync(OperatorTestBed.Namespace, [Authorization], CancellationToken.None);

        Assert.Contains("header Authorization: key \"authorization\" of Secret ml/kpi-token " + says, read.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain("tok-5e1f", read.Problem, StringComparison.Ordinal);
        Assert.Empty(read.Values);
    }

    [Fact]
    public async Task A_Secret_prints_its_keys_never_its_values()
    {
        await using var bed = await OperatorTestBed.StartAsync();
        var secret = await PutAsync(bed, "Bearer tok-5e1f");

        Assert.Equal("Secret ml/kpi-token (keys: authorization)", secret.ToString());
    }
}
