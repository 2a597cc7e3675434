using System.Text;

namespace ModelOperator.Runtime.Server.Grpc;

/// <summary>
/// The <c>grpc-message</c> header's encoding (gRPC over HTTP/2: "Status-Message"): the message's UTF-8 bytes, with every
/// byte outside printable ASCII (0x20 to 0x7E) and '%' itself written as %XX, as Grpc.AspNetCore writes it and every
/// gRPC client decodes it. A message that needs no escaping is returned as it is, without allocating.
/// </summary>
internal static class GrpcMessageText
{
    public static string Encode(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!message.AsSpan().ContainsAnyExceptInRange(' ', '~') && !message.Contains('%', StringComparison.Ordinal))
        {
            return message;
        }

        var encoded = new StringBuilder(message.Length + 16);
        foreach (var b in Encoding.UTF8.GetBytes(message))
        {
            if (b is >= 0x20 and <= 0x7E && b != '%')
            {
                encoded.Append((char)b);
            }
            else
            {
                encoded.Append('%').Append(HexDigits[b >> 4]).Append(HexDigits[b & 0xF]);
            }
        }

        return encoded.ToString();
    }

    private const string HexDigits = "0123456789ABCDEF";
}
