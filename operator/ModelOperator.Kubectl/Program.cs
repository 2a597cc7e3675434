using ModelOperator.Kubectl;

// kubectl finds this binary on PATH by its name (kubectl-model) and runs it with the arguments after `kubectl model`.
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // Ctrl-C ends a watch cleanly instead of killing the process mid-line.
    e.Cancel = true;
    stop.Cancel();
};

return await PluginApp.RunAsync(args, PluginEnvironment.Console(), stop.Token);
