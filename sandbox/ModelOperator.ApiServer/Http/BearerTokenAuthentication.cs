using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace ModelOperator.ApiServer.Http;

/// <summary>
/// Requires <c>Authorization: Bearer &lt;token&gt;</c> on every request when the server is started with a token
/// (<see cref="Hosting.InMemoryApiServerOptions.RequiredBearerToken"/>, <c>API_TOKEN</c> for <c>make apiserver</c>).
/// A request without it, or with another token, gets what a real API server answers: 401 with a Status body
/// (reason Unauthorized). Lets tests prove which credential a client sends (a kubeconfig token, a token file, the
/// token an exec credential plugin printed).
/// </summary>
internal static class BearerTokenAuthentication
{
    private static readonly byte[] UnauthorizedBody = Encoding.UTF8.GetBytes(
        """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}""");

    /// <summary>The middleware for <paramref name="token"/>.</summary>
    public static Func<HttpContext, RequestDelegate, Task> Require(string token)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        var expected = Encoding.UTF8.GetBytes(token);
        return (context, next) => IsAuthorized(context.Request.Headers.Authorization.ToString(), expected)
            ? next(context)
            : RejectAsync(context);
    }

    internal static bool IsAuthorized(string header, byte[] expected)
    {
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var presented = Encoding.UTF8.GetBytes(header[scheme.Length..].Trim());
        return CryptographicOperations.FixedTimeEquals(presented, expected);
    }

    private static Task RejectAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.ContentType = "application/json";
        return context.Response.Body.WriteAsync(UnauthorizedBody).AsTask();
    }
}
