using ModelOperator.Kubectl.Cli;

namespace ModelOperator.Kubectl.Tests.Cli;

public sealed class CommandLineParserTests
{
    [Theory]
    [InlineData("status churn -n serving", "status", "serving")]
    [InlineData("-n serving status churn", "status", "serving")]
    [InlineData("status churn --namespace=serving", "status", "serving")]
    [InlineData("status churn -nserving", "status", "serving")]
    [InlineData("status churn -n=serving", "status", "serving")]
    [InlineData("promote churn", "promote", null)]
    public void Flags_go_anywhere_in_both_spellings(string args, string command, string? ns)
    {
        var line = CommandLineParser.Parse(args.Split(' '));

        Assert.Equal(command, line.Command!.Name);
        Assert.Equal("churn", line.Name);
        Assert.Equal(ns, line.Namespace);
        Assert.False(line.Help);
    }

    [Fact]
    public void Kubeconfig_context_revision_and_timeout_are_read()
    {
        var undo = CommandLineParser.Parse(["undo", "churn", "--to-revision", "2", "--kubeconfig", "/tmp/k", "--context=lab"]);
        var watch = CommandLineParser.Parse(["watch", "churn", "--timeout=1m30s"]);

        Assert.Equal(2, undo.ToRevision);
        Assert.Equal("/tmp/k", undo.Kubeconfig);
        Assert.Equal("lab", undo.Context);
        Assert.Equal(TimeSpan.FromSeconds(90), watch.Timeout);
    }

    [Theory]
    [InlineData("promote churn", false)]
    [InlineData("promote churn --full", true)]
    [InlineData("promote --full churn", true)]
    [InlineData("promote churn --full=false", false)]
    public void Promote_goes_one_step_unless_full(string args, bool full)
    {
        Assert.Equal(full, CommandLineParser.Parse(args.Split(' ')).Full);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-h")]
    [InlineData("help")]
    public void No_command_or_help_asks_for_the_general_help(string args)
    {
        var line = CommandLineParser.Parse(args.Length == 0 ? [] : args.Split(' '));

        Assert.True(line.Help);
        Assert.Null(line.Command);
    }

    [Fact]
    public void Help_for_one_command_needs_no_name()
    {
        var line = CommandLineParser.Parse(["undo", "--help"]);

        Assert.True(line.Help);
        Assert.Equal("undo", line.Command!.Name);
        Assert.Contains("--to-revision N", Help.For(line.Command), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("frobnicate churn", "unknown command \"frobnicate\" for \"kubectl model\"")]
    [InlineData("status", "status needs the name of a ModelDeployment")]
    [InlineData("status a b", "status takes one ModelDeployment name, got 2: a b")]
    [InlineData("status churn --bogus", "unknown flag --bogus")]
    [InlineData("status churn -n", "flag -n needs a value")]
    [InlineData("status churn --to-revision 2", "--to-revision applies to undo only, not to status")]
    [InlineData("undo churn --to-revision two", "--to-revision must be a revision number")]
    [InlineData("undo churn --to-revision 0", "--to-revision must be a revision number")]
    [InlineData("watch churn --timeout soon", "--timeout must be a positive duration")]
    [InlineData("promote churn --timeout 1m", "--timeout applies to watch only, not to promote")]
    [InlineData("abort churn --full", "--full applies to promote only, not to abort")]
    [InlineData("promote churn --full=yes", "flag --full takes true or false, got \"yes\"")]
    public void Mistakes_are_reported_with_what_was_wrong(string args, string message)
    {
        var e = Assert.Throws<PluginException>(() => CommandLineParser.Parse(args.Split(' ')));

        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }
}
