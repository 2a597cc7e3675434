using ModelOperator.Testing;
using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace ModelOperator.Runtime.Server.Tests;

/// <summary>
/// A local stand-in for S3 (path-style GET of one object) and for STS's AssumeRoleWithWebIdentity, as EKS's IRSA
/// uses it. Objects are served only to a request signed with a known access key id (a static key, or the temporary
/// one issued for the expected web identity token, together with its session token); anything else gets S3's own
/// 403 error document. It checks who signed, not the signature's arithmetic.
/// </summary>
internal sealed partial class S3StandIn : IAsyncDisposable
{
    public const string IssuedAccessKeyId = "ASIASTANDINTEMPORARY";
    public const string IssuedSecretAccessKey = "issued-temporary-secret";
    public const string IssuedSessionToken = "issued-session-token";

    private readonly FileOrigin _origin;

    private S3StandIn(FileOrigin origin) => _origin = origin;

    /// <summary>Every request: method, path, the access key id it was signed with and its session token.</summary>
    public ConcurrentQueue<(string Method, string Path, string? AccessKeyId, string? SessionToken)> Requests { get; } = new();

    /// <summary>Starts a stand-in that serves <paramref name="objectFile"/> at every key to <paramref name="accessKeyId"/>, and exchanges <paramref name="webIdentityToken"/> for <paramref name="roleArn"/>.</summary>
    public static async Task<S3StandIn> StartAsync(string objectFile, string? accessKeyId = null, string? webIdentityToken = null, string? roleArn = null)
    {
        S3StandIn? standIn = null;
        var origin = await FileOrigin.StartAsync(context => standIn!.HandleAsync(context, objectFile, accessKeyId, webIdentityToken, roleArn));
        standIn = new S3StandIn(origin);
        return standIn;
    }

    public string Url => _origin.Url(string.Empty);

    private async Task HandleAsync(HttpContext context, string objectFile, string? accessKeyId, string? webIdentityToken, string? roleArn)
    {
        if (HttpMethods.IsPost(context.Request.Method) && context.Request.HasFormContentType)
        {
            var form = await context.Request.ReadFormAsync();
            Requests.Enqueue(("POST", form["Action"].ToString(), null, null));
            await AssumeRoleWithWebIdentityAsync(context, form, webIdentityToken, roleArn);
            return;
        }

        var keyId = context.Request.Headers.Authorization.ToString() is { } authorization && CredentialPattern().Match(authorization) is { Success: true } match
            ? match.Groups[1].Value
            : null;
        var sessionToken = context.Request.Headers["x-amz-security-token"].FirstOrDefault();
        Requests.Enqueue((context.Request.Method, context.Request.Path.Value ?? string.Empty, keyId, sessionToken));
        var known = (keyId is not null && keyId == accessKeyId)
                    || (keyId == IssuedAccessKeyId && sessionToken == IssuedSessionToken && webIdentityToken is not null);
        if (!known)
        {
            await ErrorAsync(context, 403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.");
            return;
        }

        context.Response.ContentType = "application/octet-stream";
        context.Response.ContentLength = new FileInfo(objectFile).Length; // as S3 always sends
        await context.Response.SendFileAsync(objectFile);
    }

    private static Task AssumeRoleWithWebIdentityAsync(HttpContext context, IFormCollection form, string? webIdentityToken, string? roleArn)
    {
        if (form["Action"] != "AssumeRoleWithWebIdentity" || webIdentityToken is null || form["WebIdentityToken"] != webIdentityToken || form["RoleArn"] != roleArn)
        {
            return ErrorAsync(context, 403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity");
        }

        var expiration = DateTime.UtcNow.AddHours(1).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        context.Response.ContentType = "text/xml";
        return context.Response.WriteAsync($"""
            <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <AssumeRoleWithWebIdentityResult>
                <SubjectFromWebIdentityToken>system:serviceaccount:models:churn</SubjectFromWebIdentityToken>
                <AssumedRoleUser><Arn>{roleArn}/session</Arn><AssumedRoleId>AROASTANDIN:session</AssumedRoleId></AssumedRoleUser>
                <Credentials>
                  <AccessKeyId>{IssuedAccessKeyId}</AccessKeyId>
                  <SecretAccessKey>{IssuedSecretAccessKey}</SecretAccessKey>
                  <SessionToken>{IssuedSessionToken}</SessionToken>
                  <Expiration>{expiration}</Expiration>
                </Credentials>
              </AssumeRoleWithWebIdentityResult>
              <ResponseMetadata><RequestId>stand-in</RequestId></ResponseMetadata>
            </AssumeRoleWithWebIdentityResponse>
            """);
    }

    private static Task ErrorAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/xml";
        return context.Response.WriteAsync($"""<?xml version="1.0" encoding="UTF-8"?><Error><Code>{code}</Code><Message>{message}</Message><RequestId>stand-in</RequestId></Error>""");
    }

    public ValueTask DisposeAsync() => _origin.DisposeAsync();

    [GeneratedRegex("Credential=([^/,]+)/")]
    private static partial Regex CredentialPattern();
}
