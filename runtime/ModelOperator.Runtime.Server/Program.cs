using ModelOperator.Runtime.Onnx;
using ModelOperator.Runtime.Server.Hosting;

// modelserver: serves one ONNX model over the Open Inference Protocol v2 (REST).
// Settings come from environment variables or their --flag equivalents (see --help).
// `modelserver profile ...` builds a reference profile for drift instead (see docs/drift-profile.md).
if (args.Length > 0 && args[0] is "--help" or "-h" or "help")
{
    Console.WriteLine(ServerOptionsParser.Usage);
    return 0;
}

if (args.Length > 0 && args[0] == "profile")
{
    return ModelOperator.Runtime.Server.Drift.ProfileCommand.Run(args[1..], Console.Out, Console.Error);
}

var serveArgs = args.Length > 0 && args[0] == "serve" ? args[1..] : args;
var options = ServerOptionsParser.Parse(serveArgs, Environment.GetEnvironmentVariable, out var errors);
if (errors.Count > 0)
{
    foreach (var error in errors)
    {
        Console.Error.WriteLine("modelserver: " + error);
    }

    return 2;
}

if (WritableHome.Ensure() is { } moved)
{
    Console.Error.WriteLine("modelserver: " + moved);
}

OnnxRuntimeEnvironment runtime;
try
{
    runtime = OnnxRuntimeEnvironment.Create();
}
catch (OnnxRuntimeNotFoundException ex)
{
    Console.Error.WriteLine("modelserver: " + ex.Message);
    return 3;
}

using (runtime)
{
    var app = ServerApp.Build(options, runtime);
    await app.RunAsync().ConfigureAwait(false);
}

return 0;
