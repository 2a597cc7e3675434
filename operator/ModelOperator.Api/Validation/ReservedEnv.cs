using System.Text.RegularExpressions;
using ModelOperator.Contracts;

namespace ModelOperator.Api.Validation;

/// <summary>
/// Environment variables a ModelDeployment may not set in <c>spec.runtime.env</c>. Creating a ModelDeployment must not
/// give more than the cluster admin allowed (an image allowlist only means something if the image cannot be made to
/// load other code), and the model server's own endpoints, limits and timeouts are the operator's to set. The CRD's
/// CEL rule on <see cref="RuntimeSpec"/> and the operator's validator both use <see cref="Pattern"/>, so the two never differ.
/// </summary>
public static partial class ReservedEnv
{
    /// <summary>
    /// The reserved names as one regular expression (RE2 and .NET agree on it): the dynamic loader's variables
    /// (<c>LD_*</c>), the .NET runtime's and ASP.NET Core's (<c>DOTNET_*</c>, <c>CORECLR_*</c>, <c>COMPlus_*</c>,
    /// <c>ASPNETCORE_*</c>: startup hooks, profilers, hosting startup assemblies, any letter case), the model server's
    /// own settings (model, endpoints, <c>MAX_*</c> limits, download and shutdown timeouts, cache folder) and the
    /// process's home and temporary folders, plus glibc tunables and the OpenSSL configuration (which loads engines).
    /// </summary>
    public const string Pattern =
        "^((?i:LD_|DOTNET_|CORECLR_|COMPLUS_|ASPNETCORE_).*|" + ModelServerEnv.ReservedPattern
        + "|HOME|TMPDIR|XDG_CACHE_HOME|GLIBC_TUNABLES|OPENSSL_CONF)$";

    /// <summary>What is reserved, in words, for messages and docs.</summary>
    public const string Description =
        "LD_*, DOTNET_*, CORECLR_*, COMPlus_*, ASPNETCORE_* (any case), " + ModelServerEnv.ReservedDescription
        + ", HOME, TMPDIR, XDG_CACHE_HOME, GLIBC_TUNABLES, OPENSSL_CONF";

    /// <summary>The CRD's rule on <c>spec.runtime</c> (standard CEL: has, all, matches).</summary>
    public const string CelRule = "!has(self.env) || self.env.all(e, !e.name.matches('" + Pattern + "'))";

    /// <summary>The CRD rule's message.</summary>
    public const string CelMessage = "spec.runtime.env may not set the model server's own settings, the loader's or the .NET runtime's: reserved are " + Description;

    /// <summary>Reserved names the operator sets from a spec field, with that field: the message points the user there.</summary>
    public static IReadOnlyDictionary<string, string> FromSpec { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [ModelServerEnv.ModelName] = "spec.model.name",
        [ModelServerEnv.ModelVersion] = "spec.model.version",
        [ModelServerEnv.ModelUri] = "spec.model.uri",
        [ModelServerEnv.ModelSha256] = "spec.model.sha256",
        [ModelServerEnv.ProfileUri] = "spec.model.profile.uri",
        [ModelServerEnv.ProfileSha256] = "spec.model.profile.sha256",
        [ModelServerEnv.MaxBatchSize] = "spec.runtime.batching.maxBatchSize",
        [ModelServerEnv.MaxBatchDelay] = "spec.runtime.batching.maxBatchDelay",
    };

    /// <summary>True when <paramref name="name"/> may not appear in <c>spec.runtime.env</c>.</summary>
    public static bool IsReserved(string name) => ReservedName().IsMatch(name);

    /// <summary>Why <paramref name="name"/> is refused (naming what is reserved), or null when it may be set.</summary>
    public static string? Problem(string name)
    {
        if (!IsReserved(name))
        {
            return null;
        }

        return FromSpec.TryGetValue(name, out var field)
            ? $"{name} is set by the operator from {field}; set that instead"
            : $"{name} is reserved for the operator and the model server; reserved are {Description}";
    }

    [GeneratedRegex(Pattern, RegexOptions.CultureInvariant)]
    private static partial Regex ReservedName();
}
