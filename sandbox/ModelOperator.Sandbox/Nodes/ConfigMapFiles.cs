using System.Globalization;
using System.Text.RegularExpressions;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Sandbox.Nodes;

/// <summary>
/// What a configMap volume holds, and the sandbox's stand-in for cluster DNS in it (pure): sandbox pods are processes
/// on loopback, so a Service URL <c>http://SVC.NS.svc[.cluster.local][:PORT]</c> in a file cannot be resolved by the
/// process; it is rewritten to <c>http://127.0.0.1:P</c> where P is the port of one ready pod of that Service, chosen
/// as the sandbox's Service proxy chooses (<see cref="Proxy.ProxyRouting.ReadyEndpoints"/>, the first by name). A
/// Service without a ready pod is left as written, so the process gets a connection error, as a cluster's client
/// would for a Service without endpoints.
/// </summary>
public static partial class ConfigMapFiles
{
    /// <summary>
    /// The files of a configMap volume: one per key of <c>data</c>, its value with Service URLs resolved by
    /// <paramref name="resolve"/> (namespace, Service name → a loopback port, or null). A missing ConfigMap gives no
    /// file (the kubelet does the same for an optional one; a required one would keep the pod from starting).
    /// </summary>
    public static IReadOnlyDictionary<string, string> For(ConfigMap? configMap, Func<string, string, int?> resolve)
    {
        ArgumentNullException.ThrowIfNull(resolve);
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in configMap?.Data ?? new Dictionary<string, string>())
        {
            // A key is a file name: keys that would leave the folder are skipped (the API server refuses them anyway).
            if (key.Length == 0 || key.Contains('/', StringComparison.Ordinal) || key is "." or "..")
            {
                continue;
            }

            files[key] = ResolveServiceUrls(value, resolve);
        }

        return files;
    }

    /// <summary>
    /// <paramref name="text"/> with each <c>http://SVC.NS.svc…</c> URL's authority replaced by <c>127.0.0.1:P</c> when
    /// <paramref name="resolve"/> knows a port for (NS, SVC). Example: <c>http://churn-04115c9a7b.ml.svc:80</c> with a
    /// ready pod on port 41234 → <c>http://127.0.0.1:41234</c>.
    /// </summary>
    public static string ResolveServiceUrls(string text, Func<string, string, int?> resolve)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(resolve);
        return ServiceUrl().Replace(text, m => resolve(m.Groups["ns"].Value, m.Groups["svc"].Value) is { } port
            ? "http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture)
            : m.Value);
    }

    /// <summary>
    /// Makes <paramref name="folder"/> hold exactly <paramref name="files"/>: changed files are written to a temporary
    /// name and moved into place (a reader never sees half a file, as with the kubelet's atomic writer), others deleted.
    /// </summary>
    public static void Write(string folder, IReadOnlyDictionary<string, string> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        Directory.CreateDirectory(folder);
        foreach (var (name, content) in files)
        {
            var path = Path.Combine(folder, name);
            if (File.Exists(path) && File.ReadAllText(path) == content)
            {
                continue;
            }

            var temporary = Path.Combine(folder, "." + name + ".tmp");
            File.WriteAllText(temporary, content);
            File.Move(temporary, path, overwrite: true);
        }

        foreach (var path in Directory.GetFiles(folder))
        {
            if (!files.ContainsKey(Path.GetFileName(path)))
            {
                File.Delete(path);
            }
        }
    }

    [GeneratedRegex(@"http://(?<svc>[a-z0-9]([-a-z0-9]*[a-z0-9])?)\.(?<ns>[a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc(\.cluster\.local)?(:[0-9]{1,5})?", RegexOptions.CultureInvariant)]
    private static partial Regex ServiceUrl();
}
