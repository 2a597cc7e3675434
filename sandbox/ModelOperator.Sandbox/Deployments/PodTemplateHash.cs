using System.Text.Json;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Sandbox.Deployments;

/// <summary>
/// The <c>pod-template-hash</c> of a Deployment's template, as the real controller makes it: FNV-1a (32 bit) over the
/// template, written with the "safe" alphabet (no vowels, no look-alike digits) so it can never spell a word.
/// The template is serialized with the client's JSON settings, so equal templates always hash alike.
/// </summary>
public static class PodTemplateHash
{
    private const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";

    public static string Of(PodTemplateSpec template)
    {
        ArgumentNullException.ThrowIfNull(template);
        // The JSON context has no entry for the template alone; a Deployment holding only it serializes the same fields.
        var holder = new Deployment { ApiVersion = string.Empty, Kind = string.Empty, Spec = new DeploymentSpec { Template = template } };
        var bytes = JsonSerializer.SerializeToUtf8Bytes(holder, Deployment.JsonTypeInfo);
        uint hash = 2166136261;
        foreach (var b in bytes)
        {
            hash ^= b;
            hash *= 16777619;
        }

        return Encode(hash);
    }

    /// <summary>The decimal text of <paramref name="hash"/>, each character's byte value taken modulo 27 into the safe alphabet (as Kubernetes' <c>rand.SafeEncodeString</c>).</summary>
    internal static string Encode(uint hash)
    {
        var digits = hash.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return string.Concat(digits.Select(d => Alphabet[d % Alphabet.Length]));
    }
}
