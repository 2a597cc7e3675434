using ModelOperator.Api.Schema;

// crdgen [REPO_ROOT] [--check]
// Writes crds/modeldeployments.modeloperator.io.yaml and docs/reference/modeldeployment.md under REPO_ROOT
// (default: the current folder). With --check it writes nothing and exits 1 when a committed file is out of date.
var check = args.Contains("--check");
var positional = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
if (positional.Length > 1 || args.Any(a => a.StartsWith("--", StringComparison.Ordinal) && a != "--check"))
{
    await Console.Error.WriteLineAsync("usage: crdgen [REPO_ROOT] [--check]");
    return 2;
}

var root = Path.GetFullPath(positional.Length == 1 ? positional[0] : ".");
if (!Directory.Exists(root))
{
    await Console.Error.WriteLineAsync($"crdgen: the repository root '{root}' does not exist.");
    return 2;
}

var outputs = new (string RelativePath, string Text)[]
{
    (CrdGenerator.RelativePath, CrdGenerator.GenerateYaml()),
    (ReferenceDocGenerator.RelativePath, ReferenceDocGenerator.Generate()),
};

var stale = 0;
foreach (var (relativePath, text) in outputs)
{
    var path = Path.Combine(root, relativePath);
    var current = File.Exists(path) ? await File.ReadAllTextAsync(path) : null;
    if (current == text)
    {
        Console.WriteLine($"{relativePath} is up to date");
        continue;
    }

    if (check)
    {
        stale++;
        await Console.Error.WriteLineAsync($"{relativePath} is out of date; run `make crds`");
        continue;
    }

    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
    await File.WriteAllTextAsync(path, text);
    Console.WriteLine($"wrote {relativePath}");
}

return stale == 0 ? 0 : 1;
