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

    /// <summary>
    /// The form of an envFrom prefix: one word of letters and digits, then '_' (e.g. <c>APP_</c>). With that form, prefix
    /// + key can only be a reserved name if the prefix is one of <see cref="ReservedPrefixPattern"/>, whatever the keys of
    /// the ConfigMap or Secret are (the operator cannot read them, and they can change after the check).
    /// </summary>
    public const string EnvFromPrefixPattern = "^[A-Za-z][A-Za-z0-9]*_$";

    /// <summary>
    /// The prefixes of <see cref="EnvFromPrefixPattern"/>'s form that begin a reserved name: the reserved families and
    /// the first word of every reserved name that has a '_' (<see cref="Pattern"/> with each name cut after its first '_').
    /// </summary>
    public const string ReservedPrefixPattern = "^((?i:LD|DOTNET|CORECLR|COMPLUS|ASPNETCORE)|MAX|MODEL|METRICS|GRPC|SHUTDOWN|SHADOW|XDG|GLIBC|OPENSSL)_$";

    /// <summary>The CRD's rule on <c>spec.runtime</c> for envFrom.</summary>
    public const string EnvFromCelRule = "!has(self.envFrom) || self.envFrom.all(e, has(e.prefix) && e.prefix.matches('" + EnvFromPrefixPattern + "') && !e.prefix.matches('" + ReservedPrefixPattern + "'))";

    /// <summary>The CRD envFrom rule's message.</summary>
    public const string EnvFromCelMessage = "each spec.runtime.envFrom entry needs a prefix of letters and digits ending in '_' (e.g. APP_) that no reserved name begins with (not LD_, DOTNET_, CORECLR_, COMPLUS_, ASPNETCORE_, MAX_, MODEL_, METRICS_, GRPC_, SHUTDOWN_, SHADOW_, XDG_, GLIBC_, OPENSSL_)";

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

    /// <summary>Why <paramref name="prefix"/> may not prefix an envFrom source's keys, or null when it may.</summary>
    public static string? PrefixProblem(string? prefix)
    {
        if (string.IsNullOrEmpty(prefix))
        {
            return "has no prefix; set one such as APP_, so that the source's keys cannot set reserved variables (" + Description + ")";
        }

        if (!PrefixForm().IsMatch(prefix))
        {
            return $"\"{(prefix.Length > 100 ? prefix[..100] + "…" : prefix)}\" is not an allowed prefix; use one word of letters and digits ending in '_', such as APP_";
        }

        return ReservedPrefix().IsMatch(prefix)
            ? $"{prefix} begins reserved variable names; use another prefix such as APP_ (reserved are {Description})"
            : null;
    }

    [GeneratedRegex(Pattern, RegexOptions.CultureInvariant)]
    private static partial Regex ReservedName();

    [GeneratedRegex(EnvFromPrefixPattern, RegexOptions.CultureInvariant)]
    private static partial Regex PrefixForm();

    [GeneratedRegex(ReservedPrefixPattern, RegexOptions.CultureInvariant)]
    private static partial Regex ReservedPrefix();
}
