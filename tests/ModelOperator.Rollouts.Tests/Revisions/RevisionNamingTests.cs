using System.Security.Cryptography;
using System.Text;
using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Rollouts.Revisions;

namespace ModelOperator.Rollouts.Tests.Revisions;

public sealed class RevisionNamingTests
{
    private const string Image = "ghcr.io/modeloperator/server:1.0";
    private static readonly string Sha = new('a', 64);

    private static ModelSource Model(string version = "1") => new() { Name = "churn", Version = version, Uri = "s3://models/churn.onnx", Sha256 = Sha };

    [Fact]
    public void The_hash_is_sha256_of_the_sorted_compact_json_of_model_and_effective_runtime()
    {
        // Written by hand: keys sorted at every level, the default image filled in, nulls omitted.
        var canonical = "{\"model\":{\"name\":\"churn\",\"sha256\":\"" + Sha + "\",\"uri\":\"s3://models/churn.onnx\",\"version\":\"1\"}," +
            "\"runtime\":{\"image\":\"" + Image + "\",\"nodeSelector\":{\"a\":\"1\",\"b\":\"2\"}}}";
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))[..10];

        var hash = RevisionNaming.Hash(Model(), new RuntimeSpec { NodeSelector = new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" } }, Image);

        Assert.Equal(expected, hash);
        Assert.Matches("^[0-9a-f]{10}$", hash);
    }

    [Fact]
    public void Equal_specs_give_equal_names_whatever_the_map_order()
    {
        var first = new RuntimeSpec { NodeSelector = new Dictionary<string, string> { ["zone"] = "a", ["gpu"] = "no" } };
        var second = new RuntimeSpec { NodeSelector = new Dictionary<string, string> { ["gpu"] = "no", ["zone"] = "a" } };

        Assert.Equal(RevisionNaming.RevisionName("churn", Model(), first, Image), RevisionNaming.RevisionName("churn", Model(), second, Image));
    }

    [Fact]
    public void An_unset_image_is_the_default_image()
    {
        Assert.Equal(RevisionNaming.Hash(Model(), null, Image), RevisionNaming.Hash(Model(), new RuntimeSpec { Image = Image }, Image));
        Assert.NotEqual(RevisionNaming.Hash(Model(), null, Image), RevisionNaming.Hash(Model(), null, Image + "-next"));
    }

    public static TheoryData<ModelSource, RuntimeSpec?> Changes => new()
    {
        { Model("2"), null },
        { Model() with { Sha256 = new string('b', 64) }, null },
        { Model() with { Profile = new ModelProfile { Uri = "s3://models/p.json", Sha256 = Sha } }, null },
        { Model(), new RuntimeSpec { Image = "other:1" } },
        { Model(), new RuntimeSpec { Batching = new BatchingSpec { MaxBatchSize = 8 } } },
        { Model(), new RuntimeSpec { Env = [new EnvVar { Name = "A", Value = "1" }, new EnvVar { Name = "B", Value = "2" }] } },
        { Model(), new RuntimeSpec { Env = [new EnvVar { Name = "B", Value = "2" }, new EnvVar { Name = "A", Value = "1" }] } },
        { Model(), new RuntimeSpec { ServiceAccountName = "model-reader" } },
        { Model(), new RuntimeSpec { PriorityClassName = "inference-high" } },
        { Model(), new RuntimeSpec { Labels = new Dictionary<string, string> { ["team"] = "ml" } } },
        { Model(), new RuntimeSpec { TopologySpreadConstraints = [] } },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public void Any_change_to_what_defines_the_pods_changes_the_name(ModelSource model, RuntimeSpec? runtime)
    {
        Assert.NotEqual(RevisionNaming.Hash(Model(), null, Image), RevisionNaming.Hash(model, runtime, Image));
    }

    [Fact]
    public void The_disruption_budget_does_not_name_a_revision()
    {
        // It is not part of the pods: a change only updates each revision's PodDisruptionBudget
        var budget = new RuntimeSpec { DisruptionBudget = new DisruptionBudgetSpec { MinAvailable = "50%" } };

        Assert.Equal(RevisionNaming.Hash(Model(), null, Image), RevisionNaming.Hash(Model(), budget, Image));
    }

    [Fact]
    public void Env_order_is_significant_but_stable()
    {
        var ab = new RuntimeSpec { Env = [new EnvVar { Name = "A", Value = "1" }, new EnvVar { Name = "B", Value = "2" }] };
        var ba = new RuntimeSpec { Env = [new EnvVar { Name = "B", Value = "2" }, new EnvVar { Name = "A", Value = "1" }] };

        Assert.NotEqual(RevisionNaming.Hash(Model(), ab, Image), RevisionNaming.Hash(Model(), ba, Image));
        Assert.Equal(RevisionNaming.Hash(Model(), ab, Image), RevisionNaming.Hash(Model(), ab with { }, Image));
    }

    [Theory]
    [InlineData("churn", "churn-")]
    [InlineData("a", "a-")]
    public void Short_names_are_kept_whole(string name, string prefix)
    {
        var revision = RevisionNaming.RevisionName(name, Model(), null, Image);

        Assert.StartsWith(prefix, revision, StringComparison.Ordinal);
        Assert.Equal(name.Length + 11, revision.Length);
    }

    [Fact]
    public void Long_names_are_cut_to_fit_a_label_value()
    {
        var name52 = new string('m', 51) + "-x";   // 53 characters; the cut leaves 51 'm' and a '-' which is trimmed
        var revision = RevisionNaming.RevisionName(name52, Model(), null, Image);
        var longest = RevisionNaming.RevisionName(new string('n', 253), Model(), null, Image);

        Assert.Equal(new string('m', 51) + "-" + RevisionNaming.Hash(Model(), null, Image), revision);
        Assert.Equal(63, longest.Length);
    }

    [Fact]
    public void The_steps_hash_follows_the_steps()
    {
        IReadOnlyList<RolloutStep> steps = [new RolloutStep { SetWeight = 10 }, new RolloutStep { Pause = new PauseStep { Duration = "1m" } }];

        Assert.Equal(RevisionNaming.StepsHash(steps), RevisionNaming.StepsHash([.. steps]));
        Assert.NotEqual(RevisionNaming.StepsHash(steps), RevisionNaming.StepsHash([new RolloutStep { SetWeight = 20 }]));
        Assert.Equal(RevisionNaming.StepsHash(null), RevisionNaming.StepsHash([]));
    }
}
