using ModelOperator.Api;
using ModelOperator.Operator.Children;
using ModelOperator.Operator.Settings;
using ModelOperator.Rollouts.Planning;
using ModelOperator.Runtime.Server.Hosting;

namespace ModelOperator.Deploy.Tests;

/// <summary>
/// The environment the operator gives the model server container is one the server reads (ModelServerEnv names both
/// compile against): every variable is a row of the server's settings table, and the server accepts the values
/// as they are, so a pod never crash-loops on a setting the operator wrote.
/// </summary>
public sealed class ServerEnvironmentContractTests
{
    [Fact]
    public void Every_variable_the_operator_sets_is_a_server_setting_and_the_server_accepts_its_value()
    {
        // Given a revision with every spec field that becomes a variable
        var md = new ModelDeployment { Metadata = new() { Name = "churn", Namespace = "ml", Uid = "uid-1" } };
        var model = new ModelSource
        {
            Name = "churn", Version = "3", Uri = "s3://models/churn/3/model.onnx", Sha256 = new string('a', 64),
            Profile = new ModelProfile { Uri = "pvc://models/churn/3/profile.json", Sha256 = new string('b', 64) },
        };
        var runtime = new RuntimeSpec { Batching = new BatchingSpec { MaxBatchSize = 32, MaxBatchDelay = "1ms500us" } };
        var deployment = DeploymentBuilder.Build(md, new DesiredRevision("churn-abc", RevisionRole.Stable, 2, RevisionSpec.Resolve("churn-abc", model, runtime, new OperatorOptions().DefaultImage)), new OperatorOptions { ModelServerMetricsPort = 9090 });
        var env = deployment.Spec!.Template!.Spec!.Containers![0].Env!.ToDictionary(e => e.Name!, e => e.Value);

        // When the server reads it
        var options = ServerOptionsParser.Parse([], name => env.GetValueOrDefault(name), out var errors);

        // Then every variable is one of its settings, and every value is accepted as written
        var settings = ServerOptionsParser.Table.Rows.Select(r => r.Env).ToHashSet(StringComparer.Ordinal);
        Assert.DoesNotContain(env.Keys, k => !settings.Contains(k));
        Assert.Empty(errors);
        Assert.Equal(("churn", "3", 32, TimeSpan.FromTicks(15_000), 9090), (options.ModelName, options.ModelVersion, options.MaxBatchSize, options.MaxBatchDelay, options.MetricsPort));
        Assert.Equal("json", options.LogFormat);
    }
}
