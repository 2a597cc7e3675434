using System.Globalization;
using System.Text;

namespace ModelOperator.Runtime.Server.Tests;

/// <summary>
/// One hostile request: sent with HttpClient (method, path, content type, body bytes), or as raw
/// bytes over a socket. <see cref="Statuses"/> are the answers expected in order (several for
/// pipelined requests); null in it means "any 4xx". <see cref="JsonError"/> is false only where
/// Kestrel refuses the bytes before a request exists (it answers 4xx with an empty body).
/// </summary>
public sealed record HostileCase(string Family, string Name, string Method, string Path, string? ContentType, byte[] Body, int?[] Statuses)
{
    public byte[]? Raw { get; init; }

    public bool JsonError { get; init; } = true;

    public string? Fragment { get; init; }

    public override string ToString() => $"{Family}: {Name}";
}

/// <summary>
/// Generated families of hostile requests for the churn model (input "features", FP32 [-1, 8]):
/// the hand-written malformed corpus; every truncation point and every-byte corruption of two
/// valid requests; wrong JSON types for every field; every bad shape class including products
/// that overflow; string pathologies (invalid UTF-8, lone surrogates, overlong encodings, NUL,
/// huge strings) in every place a string can sit; wrong methods, paths and content types;
/// body-size abuse; raw HTTP garbage; and pipelined requests.
/// </summary>
public static class HostileRequestCorpus
{
    public const string InferPath = MalformedRequestCorpus.InferPath;

    /// <summary>A valid request that uses every member the protocol allows.</summary>
    public const string Rich =
        """{"id":"req-1","parameters":{"k":"v","n":[1,{"a":true,"b":null}]},"inputs":[{"name":"features","shape":[2,8],"datatype":"FP32","parameters":{"binary_data":false},"data":[[35,28.72,5,1,5,14,0,4],[1,2,3,4,5,6,7,"NaN"]]}],"outputs":[{"name":"churn_probability","parameters":{"x":1}}]}""";

    private static readonly string[] Valid = [MalformedRequestCorpus.Good, Rich];

    private const string Json = "application/json";

    private static HostileCase Post(string family, string name, byte[] body, int? status = null, string? fragment = null) =>
        new(family, name, "POST", InferPath, Json, body, [status]) { Fragment = fragment };

    private static HostileCase Post(string family, string name, string body, int? status = null, string? fragment = null) =>
        Post(family, name, Encoding.UTF8.GetBytes(body), status, fragment);

    private static HostileCase Raw(string family, string name, byte[] raw, bool json, params int?[] statuses) =>
        new(family, name, "RAW", string.Empty, null, [], statuses) { Raw = raw, JsonError = json };

    private static HostileCase Raw(string family, string name, string raw, bool json, params int?[] statuses) =>
        Raw(family, name, Encoding.Latin1.GetBytes(raw), json, statuses);

    public static IEnumerable<HostileCase> All() =>
        Legacy().Concat(Truncations()).Concat(Corruptions()).Concat(WrongTypes()).Concat(Shapes()).Concat(Strings())
            .Concat(MethodsAndPaths()).Concat(ContentTypes()).Concat(BodySizes()).Concat(Garbage()).Concat(Pipelined());

    private static IEnumerable<HostileCase> Legacy() =>
        MalformedRequestCorpus.All().Select(c => new HostileCase("legacy", c.Name, "POST", c.Path, Json, Encoding.UTF8.GetBytes(c.Body), [c.Status]) { Fragment = c.Fragment });

    // Every proper prefix of a valid request is invalid JSON.
    private static IEnumerable<HostileCase> Truncations()
    {
        for (var v = 0; v < Valid.Length; v++)
        {
            var bytes = Encoding.UTF8.GetBytes(Valid[v]);
            for (var cut = 0; cut < bytes.Length; cut++)
            {
                yield return Post("truncation", $"valid[{v}] cut at {cut}", bytes[..cut], 400);
            }
        }
    }

    // Each byte replaced by 0xFF or NUL, or preceded by a stray continuation byte: never valid
    // JSON (NUL is not whitespace and not allowed raw in strings), never valid UTF-8.
    private static IEnumerable<HostileCase> Corruptions()
    {
        for (var v = 0; v < Valid.Length; v++)
        {
            var bytes = Encoding.UTF8.GetBytes(Valid[v]);
            for (var i = 0; i < bytes.Length; i++)
            {
                foreach (var (label, bad) in new[] { ("0xFF", (byte)0xFF), ("NUL", (byte)0x00) })
                {
                    var copy = (byte[])bytes.Clone();
                    copy[i] = bad;
                    yield return Post("corruption", $"valid[{v}] byte {i} -> {label}", copy, 400);
                }

                byte[] inserted = [.. bytes[..i], 0x80, .. bytes[i..]];
                yield return Post("corruption", $"valid[{v}] 0x80 before byte {i}", inserted, 400);
            }
        }
    }

    // Every field given every JSON type it must not have.
    private static IEnumerable<HostileCase> WrongTypes()
    {
        var values = new[] { "null", "true", "false", "0", "-1", "1.5", "1e400", "\"\"", "\"x\"", "[]", "{}", "[[]]", "{\"a\":1}", "[null]" };
        const string input = """{"name":"features","shape":[1,8],"datatype":"FP32","data":[1,2,3,4,5,6,7,8]}""";
        var fields = new (string Field, Func<string, string> Place, Func<string, bool> Allowed)[]
        {
            ("id", v => $$"""{"id":{{v}},"inputs":[{{input}}]}""", v => v.StartsWith('"')),
            ("inputs", v => $$"""{"inputs":{{v}}}""", _ => false),
            ("inputs[0]", v => $$"""{"inputs":[{{v}}]}""", _ => false),
            ("name", v => $$"""{"inputs":[{"name":{{v}},"shape":[1,8],"datatype":"FP32","data":[1,2,3,4,5,6,7,8]}]}""", _ => false),
            ("shape", v => $$"""{"inputs":[{"name":"features","shape":{{v}},"datatype":"FP32","data":[1,2,3,4,5,6,7,8]}]}""", _ => false),
            ("shape[0]", v => $$"""{"inputs":[{"name":"features","shape":[{{v}},8],"datatype":"FP32","data":[1,2,3,4,5,6,7,8]}]}""", _ => false),
            ("shape[1]", v => $$"""{"inputs":[{"name":"features","shape":[1,{{v}}],"datatype":"FP32","data":[1,2,3,4,5,6,7,8]}]}""", _ => false),
            ("datatype", v => $$"""{"inputs":[{"name":"features","shape":[1,8],"datatype":{{v}},"data":[1,2,3,4,5,6,7,8]}]}""", _ => false),
            ("data", v => $$"""{"inputs":[{"name":"features","shape":[1,8],"datatype":"FP32","data":{{v}}}]}""", _ => false),
            ("data[0]", v => $$"""{"inputs":[{"name":"features","shape":[1,8],"datatype":"FP32","data":[{{v}},2,3,4,5,6,7,8]}]}""", v => v is "0" or "-1" or "1.5"),
            ("data[7]", v => $$"""{"inputs":[{"name":"features","shape":[1,8],"datatype":"FP32","data":[1,2,3,4,5,6,7,{{v}}]}]}""", v => v is "0" or "-1" or "1.5"),
            ("parameters", v => $$"""{"parameters":{{v}},"inputs":[{{input}}]}""", v => v.StartsWith('{')),
            ("inputs[0].parameters", v => $$"""{"inputs":[{"name":"features","parameters":{{v}},"shape":[1,8],"datatype":"FP32","data":[1,2,3,4,5,6,7,8]}]}""", v => v.StartsWith('{')),
            ("outputs", v => $$"""{"inputs":[{{input}}],"outputs":{{v}}}""", v => v == "[]"),
            ("outputs[0]", v => $$"""{"inputs":[{{input}}],"outputs":[{{v}}]}""", _ => false),
            ("outputs[0].name", v => $$"""{"inputs":[{{input}}],"outputs":[{"name":{{v}}}]}""", _ => false),
            ("outputs[0].parameters", v => $$"""{"inputs":[{{input}}],"outputs":[{"name":"churn_probability","parameters":{{v}}}]}""", v => v.StartsWith('{')),
        };
        foreach (var (field, place, allowed) in fields)
        {
            foreach (var value in values.Where(v => !allowed(v)))
            {
                yield return Post("wrong type", $"{field} = {value}", place(value), 400);
            }
        }
    }

    private static string WithShape(string shape, string data = "[1,2,3,4,5,6,7,8]") =>
        $$"""{"inputs":[{"name":"features","shape":{{shape}},"datatype":"FP32","data":{{data}}}]}""";

    // Wrong rank, wrong fixed dimension, negative, zero, and products that overflow or that no body could hold.
    private static IEnumerable<HostileCase> Shapes()
    {
        for (var rank = 0; rank <= 18; rank++)
        {
            if (rank != 2)
            {
                yield return Post("shape", $"rank {rank}", WithShape("[" + string.Join(',', Enumerable.Repeat("1", rank)) + "]"), 400);
            }
        }

        foreach (var d in new[] { 0, 1, 2, 7, 9, 16, 64, int.MaxValue })
        {
            yield return Post("shape", $"[1,{d}]", WithShape($"[1,{d}]"), 400, "dimension 1 must be 8");
        }

        for (var k = 2; k <= 62; k += 2)
        {
            var rows = (1L << k).ToString(CultureInfo.InvariantCulture);
            yield return Post("shape", $"[2^{k},8]", WithShape($"[{rows},8]"), 400, k >= 60 ? "overflows" : null);
        }

        foreach (var rows in new[] { "9223372036854775807", "-9223372036854775808", "18446744073709551616", "-0", "0.0", "1E2", "-1" })
        {
            yield return Post("shape", $"[{rows},8]", WithShape($"[{rows},8]"), 400);
        }
    }

    // Where strings sit; {0} is replaced by the string's raw bytes. Read places refuse even a
    // well-formed odd string; skipped places refuse only text that is not valid UTF-8 JSON.
    private static readonly (string Place, bool Read, string Template)[] StringPlaces =
    [
        ("id", false, """{"id":"{0}","inputs":[{"name":"features","shape":[1,8],"datatype":"FP32","data":[1,2,3,4,5,6,7,8]}]}"""),
        ("unknown key", false, """{"{0}":1,"inputs":[{"name":"features","shape":[1,8],"datatype":"FP32","data":[1,2,3,4,5,6,7,8]}]}"""),
        ("unknown value", false, """{"x":[{"y":"{0}"}],"inputs":[{"name":"features","shape":[1,8],"datatype":"FP32","data":[1,2,3,4,5,6,7,8]}]}"""),
        ("parameters key", false, """{"parameters":{"{0}":"v"},"inputs":[{"name":"features","shape":[1,8],"datatype":"FP32","data":[1,2,3,4,5,6,7,8]}]}"""),
        ("parameters value", false, """{"parameters":{"k":["{0}"]},"inputs":[{"name":"features","shape":[1,8],"datatype":"FP32","data":[1,2,3,4,5,6,7,8]}]}"""),
        ("input parameters value", false, """{"inputs":[{"name":"features","parameters":{"k":"{0}"},"shape":[1,8],"datatype":"FP32","data":[1,2,3,4,5,6,7,8]}]}"""),
        ("input unknown key", false, """{"inputs":[{"{0}":0,"name":"features","shape":[1,8],"datatype":"FP32","data":[1,2,3,4,5,6,7,8]}]}"""),
        ("output parameters value", false, """{"inputs":[{"name":"features","shape":[1,8],"datatype":"FP32","data":[1,2,3,4,5,6,7,8]}],"outputs":[{"name":"churn_probability","parameters":{"k":"{0}"}}]}"""),
        ("input name", true, """{"inputs":[{"name":"{0}","shape":[1,8],"datatype":"FP32","data":[1,2,3,4,5,6,7,8]}]}"""),
        ("datatype", true, """{"inputs":[{"name":"features","shape":[1,8],"datatype":"{0}","data":[1,2,3,4,5,6,7,8]}]}"""),
        ("data element", true, """{"inputs":[{"name":"features","shape":[1,8],"datatype":"FP32","data":["{0}",2,3,4,5,6,7,8]}]}"""),
        ("output name", true, """{"inputs":[{"name":"features","shape":[1,8],"datatype":"FP32","data":[1,2,3,4,5,6,7,8]}],"outputs":[{"name":"{0}"}]}"""),
    ];

    private static IEnumerable<HostileCase> Strings()
    {
        var invalid = new (string Label, byte[] Bytes)[]
        {
            ("0xFF", [0xFF]),
            ("0xFE", [0xFE]),
            ("lone continuation", [0x80]),
            ("truncated 2-byte", [0xC3]),
            ("truncated 3-byte", [0xE2, 0x82]),
            ("truncated 4-byte", [0xF0, 0x9F, 0x98]),
            ("overlong slash", [0xC0, 0xAF]),
            ("overlong NUL", [0xC0, 0x80]),
            ("overlong 3-byte", [0xE0, 0x80, 0xAF]),
            ("overlong 4-byte", [0xF0, 0x80, 0x80, 0xAF]),
            ("UTF-8 encoded surrogate", [0xED, 0xA0, 0x80]),
            ("beyond U+10FFFF", [0xF4, 0x90, 0x80, 0x80]),
            ("lone surrogate escape", "\\ud800"u8.ToArray()),
            ("lone low surrogate escape", "\\udfff"u8.ToArray()),
            ("reversed surrogate escapes", "\\udc00\\ud800"u8.ToArray()),
            ("high surrogate then text", "\\ud83dx"u8.ToArray()),
            ("raw NUL", [0x00]),
            ("raw newline", [0x0A]),
            ("bad escape", "\\x41"u8.ToArray()),
            ("short unicode escape", "\\u12"u8.ToArray()),
        };
        var odd = new (string Label, byte[] Bytes)[]
        {
            ("escaped NUL", "\\u0000"u8.ToArray()),
            ("NUL inside a name", "features\\u0000"u8.ToArray()),
            ("BOM", [0xEF, 0xBB, 0xBF]),
            ("right-to-left override", "\\u202e"u8.ToArray()),
            ("emoji pair", "\\ud83d\\ude00"u8.ToArray()),
            ("huge (100 KB)", Encoding.ASCII.GetBytes(new string('A', 100_000))),
            ("huge escapes (20 KB of \\u00e9)", Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("\\u00e9", 4000)))),
        };
        foreach (var (place, read, template) in StringPlaces)
        {
            var parts = template.Split("{0}");
            var before = Encoding.UTF8.GetBytes(parts[0]);
            var after = Encoding.UTF8.GetBytes(parts[1]);
            foreach (var (label, bytes) in read ? invalid.Concat(odd) : invalid)
            {
                yield return Post("string", $"{label} in {place}", [.. before, .. bytes, .. after], 400);
            }
        }

        // A huge string where the parser skips it still passes through the body limit.
        yield return Post("string", "2 MB string in parameters", "{\"parameters\":{\"k\":\"" + new string('A', 2_000_000) + "\"},\"inputs\":[]}", 413);
    }

    private static readonly string[] GetPaths =
        ["/v2", "/v2/health/live", "/v2/health/ready", "/v2/models/churn", "/v2/models/churn/ready", "/v2/models/churn/versions/1", "/v2/models/churn/stats", "/metrics"];

    private static readonly string[] PostPaths = [InferPath, "/v2/models/churn/versions/1/infer"];

    private static IEnumerable<HostileCase> MethodsAndPaths()
    {
        var methods = new[] { "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "FOO", "PROPFIND" };
        foreach (var path in GetPaths.Concat(PostPaths))
        {
            var allowed = PostPaths.Contains(path) ? new[] { "POST" } : ["GET", "HEAD"];
            foreach (var method in methods.Where(m => !allowed.Contains(m)))
            {
                yield return new("method", $"{method} {path}", method, path, method is "GET" or "HEAD" or "OPTIONS" or "TRACE" ? null : Json, method is "GET" or "HEAD" or "OPTIONS" or "TRACE" ? [] : Encoding.UTF8.GetBytes(MalformedRequestCorpus.Good), [405]);
            }
        }

        var unknown = new[]
        {
            "/", "/v1/models/churn:predict", "/v2/models", "/v2/models/", "/v2/models/churn/infer/x",
            "/v2/models/churn/versions", "/v2/models/churn/versions/1/infer/x", "/v2/repository/index", "/v2/health", "/v2/health/startup",
            "/v2/models/churn/generate", "/v2//health/live",
            "/v2/models/churn/ready/x", "/" + new string('a', 4000), "/v2/models/" + new string('m', 2000) + "/infer/x",
        };
        foreach (var path in unknown)
        {
            foreach (var method in new[] { "GET", "POST", "DELETE" })
            {
                yield return new("path", $"{method} {path[..Math.Min(path.Length, 60)]}", method, path, method == "POST" ? Json : null, method == "POST" ? Encoding.UTF8.GetBytes(MalformedRequestCorpus.Good) : [], [404]);
            }
        }

        // A NUL in the path is refused by Kestrel itself, before a request exists.
        yield return new("path", "POST model churn%00", "POST", "/v2/models/churn%00/infer", Json, Encoding.UTF8.GetBytes(MalformedRequestCorpus.Good), [400]) { JsonError = false };
        foreach (var model in new[] { "fraud", "Churn", "churn.", "%ff", "churn%20", "%2e%2e%2f" })
        {
            yield return new("path", $"POST model {model}", "POST", $"/v2/models/{model}/infer", Json, Encoding.UTF8.GetBytes(MalformedRequestCorpus.Good), [null]);
            yield return new("path", $"GET model {model}", "GET", $"/v2/models/{model}", null, [], [null]);
        }

        foreach (var version in new[] { "2", "01", "1.0", "latest" })
        {
            yield return new("path", $"POST version {version}", "POST", $"/v2/models/churn/versions/{version}/infer", Json, Encoding.UTF8.GetBytes(MalformedRequestCorpus.Good), [404]);
        }
    }

    private static IEnumerable<HostileCase> ContentTypes()
    {
        var types = new[]
        {
            "application/xml", "text/xml", "text/plain; charset=utf-16", "text/html", "application/x-www-form-urlencoded; charset=utf-16", "multipart/form-data; boundary=x",
            "application/octet-stream", "application/x-protobuf", "application/cbor", "application/msgpack", "image/png",
            "application/json; charset=utf-16", "application/json; charset=utf-32", "application/json; charset=iso-8859-1",
            "application/json; charset=latin1", "application/jsonx", "json", "application/", "/json", ";;;", "application/json; charset=\"",
        };
        foreach (var type in types)
        {
            yield return new("content type", type, "POST", InferPath, type, Encoding.UTF8.GetBytes(MalformedRequestCorpus.Good), [415]);
        }

        yield return new("content type", "UTF-16 body declared as JSON", "POST", InferPath, Json, Encoding.Unicode.GetBytes(MalformedRequestCorpus.Good), [400]);
        yield return new("content type", "UTF-8 BOM before the body", "POST", InferPath, Json, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(MalformedRequestCorpus.Good)], [400]);
    }

    private static string Head(string headers) => $"POST {InferPath} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n{headers}\r\n";

    private static IEnumerable<HostileCase> BodySizes()
    {
        var good = MalformedRequestCorpus.Good;
        yield return Raw("body size", "Content-Length 1 TB", Head("Content-Length: 1000000000000\r\n"), true, 413);
        yield return Raw("body size", "Content-Length 2^63-1", Head("Content-Length: 9223372036854775807\r\n"), true, 413);
        yield return Raw("body size", "Content-Length over the model limit", Head("Content-Length: 5000000\r\n") + new string(' ', 1000), true, 413);
        yield return Raw("body size", "Content-Length 2^64", Head("Content-Length: 18446744073709551616\r\n") + good, false, (int?)null);
        yield return Raw("body size", "negative Content-Length", Head("Content-Length: -5\r\n") + good, false, (int?)null);
        yield return Raw("body size", "Content-Length not a number", Head("Content-Length: ten\r\n") + good, false, (int?)null);
        yield return Raw("body size", "two different Content-Lengths", Head($"Content-Length: {good.Length}\r\nContent-Length: 3\r\n") + good, false, (int?)null);
        yield return Raw("body size", "Content-Length shorter than the body", Head("Content-Length: 10\r\n") + good, true, 400);
        yield return Raw("body size", "Transfer-Encoding not chunked", Head("Transfer-Encoding: gzip\r\n") + good, false, (int?)null);
        foreach (var size in new[] { "80000000", "ffffffff", "7fffffffffffffff", "ffffffffffffffffffff", "-1", "0x10", "zz", "1 0", " ", "8;" + new string('e', 9000) })
        {
            yield return Raw("body size", $"chunk size {size[..Math.Min(size.Length, 20)]}", Head("Transfer-Encoding: chunked\r\n") + $"{size}\r\n{good}\r\n0\r\n\r\n", true, 400);
        }

        var padded = new string(' ', 2_000_000) + good;
        yield return Raw("body size", "chunked body over the model limit", Head("Transfer-Encoding: chunked\r\n") + $"{padded.Length:x}\r\n{padded}\r\n0\r\n\r\n", true, 413);
        var many = string.Concat(Enumerable.Repeat("1\r\n \r\n", 1_200_000));
        yield return Raw("body size", "1200000 one-byte chunks", Head("Transfer-Encoding: chunked\r\n") + many + $"{good.Length:x}\r\n{good}\r\n0\r\n\r\n", true, 413);
        yield return Raw("body size", "chunk longer than its size", Head("Transfer-Encoding: chunked\r\n") + $"a\r\n{good}\r\n0\r\n\r\n", true, 400);
        yield return Raw("body size", "chunk without CRLF", Head("Transfer-Encoding: chunked\r\n") + $"{good.Length:x}\r\n{good}XX0\r\n\r\n", true, 400);
    }

    // Bytes that are not HTTP: Kestrel refuses them before a request exists (4xx, empty body).
    private static IEnumerable<HostileCase> Garbage()
    {
        var lines = new[]
        {
            "GARBAGE\r\n\r\n", "GET\r\n\r\n", "GET /v2\r\n\r\n", "GET /v2 HTTP/1.1\r\n\r\n",
            "GET /v2 HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n", "GET /v2 HTTP/1.1\r\nHost: x\r\nBad Name: v\r\n\r\n",
            "GET /v2 HTTP/1.1\r\nHost: x\r\nX: a\0b\r\n\r\n", "GET /v2 HTTP/1.1\r\nHost: x\r\n: empty\r\n\r\n",
            "GET v2 HTTP/1.1\r\nHost: x\r\n\r\n", "GET  /v2 HTTP/1.1\r\nHost: x\r\n\r\n", "G\u00e9T /v2 HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /v2 HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", "GET /v2\0 HTTP/1.1\r\nHost: x\r\n\r\n", "GET /v2 HTTP/1.1 extra\r\nHost: x\r\n\r\n",
            "GET /" + new string('a', 20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /v2 HTTP/1.1\r\nHost: x\r\nX-Big: " + new string('b', 40_000) + "\r\n\r\n",
            "GET /v2 HTTP/1.1\r\nHost: x\r\n" + string.Concat(Enumerable.Range(0, 150).Select(i => $"X-{i}: v\r\n")) + "\r\n",
            "\r\n\r\n\r\nGARBAGE / HTTP/1.1\r\n\r\n", "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003",
            "GET /v2 HTTP/1.1\r\nHost: x\r\n folded: header\r\n\r\n", "GET http://[::1 HTTP/1.1\r\nHost: x\r\n\r\n",
        };
        for (var i = 0; i < lines.Length; i++)
        {
            yield return Raw("garbage", $"line {i}: {Printable(lines[i])}", lines[i], false, (int?)null);
        }

        // HTTP's own answers: a version it does not speak is 505, and the HTTP/2 preface on this
        // HTTP/1.1 port closes the connection without an answer.
        yield return Raw("garbage", "HTTP/9.9", "GET /v2 HTTP/9.9\r\nHost: x\r\n\r\n", false, 505);
        yield return Raw("garbage", "HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", false);

        var random = new Random(13);
        for (var i = 0; i < 40; i++)
        {
            var bytes = new byte[random.Next(1, 200)];
            random.NextBytes(bytes);
            bytes[0] = (byte)random.Next(0x80, 0x100); // not a method character, so never a valid request line
            yield return Raw("garbage", $"random bytes {i}", [.. bytes, .. "\r\n\r\n"u8], false, (int?)null);
        }
    }

    // A good request, a bad one and a good one in a single write on one connection: the bad one
    // must not desynchronise the connection.
    private static IEnumerable<HostileCase> Pipelined()
    {
        static string Request(string body) => Head($"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n") + body;
        var good = MalformedRequestCorpus.Good;
        var bad = MalformedRequestCorpus.All().Where(c => c.Status == 400).Select(c => c.Body).Where(b => b.Length < 10_000).Take(60).ToList();
        for (var i = 0; i < bad.Count; i++)
        {
            yield return Raw("pipelined", $"good, bad {i}, good", Encoding.UTF8.GetBytes(Request(good) + Request(bad[i]) + Request(good)), true, 200, 400, 200);
        }

        yield return Raw("pipelined", "good, GET 404, good", Encoding.UTF8.GetBytes(Request(good) + "GET /v2/nope HTTP/1.1\r\nHost: x\r\n\r\n" + Request(good)), true, 200, 404, 200);
        yield return Raw("pipelined", "good, PUT 405, good", Encoding.UTF8.GetBytes(Request(good) + $"PUT {InferPath} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n" + Request(good)), true, 200, 405, 200);
        yield return Raw("pipelined", "good then garbage", Encoding.UTF8.GetBytes(Request(good) + "GARBAGE\r\n\r\n"), false, 200, (int?)null);
    }

    private static string Printable(string text)
    {
        var shown = new string(text.Take(40).Select(c => c is >= ' ' and < '\u007f' ? c : '.').ToArray());
        return text.Length > 40 ? shown + "…" : shown;
    }
}
