namespace ModelOperator.Sandbox.Proxy;

/// <summary>Settings of one <see cref="ServiceProxy"/>.</summary>
public sealed record ServiceProxyOptions
{
    /// <summary>Namespace of the Service (and of the route and pods).</summary>
    public required string Namespace { get; init; }

    /// <summary>The Service to front.</summary>
    public required string ServiceName { get; init; }

    /// <summary>
    /// The HTTPRoute whose backendRefs weights split the traffic, when it exists; defaults to
    /// <see cref="ServiceName"/>. While no such route exists the Service's own pods are used.
    /// </summary>
    public string? RouteName { get; init; }

    /// <summary>Loopback port to listen on; 0 (default) picks a free one (see <see cref="ServiceProxy.Url"/>).</summary>
    public int Port { get; init; }

    /// <summary>
    /// Loopback port for gRPC (HTTP/2 without TLS), forwarded to each pod's gRPC port as the Service's <c>grpc</c> port
    /// would; 0 picks a free one (see <see cref="ServiceProxy.GrpcUrl"/>); null (default) listens for HTTP/1.1 only.
    /// </summary>
    public int? GrpcPort { get; init; }

    /// <summary>Time allowed for one forwarded request. Default 100 s.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(100);

    public void Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Namespace))
        {
            problems.Add($"{nameof(Namespace)} is empty; give the Service's namespace.");
        }

        if (string.IsNullOrWhiteSpace(ServiceName))
        {
            problems.Add($"{nameof(ServiceName)} is empty; give the Service's name.");
        }

        if (Port is < 0 or > 65535)
        {
            problems.Add($"{nameof(Port)} is {Port}; it must be 0 (any free port) to 65535.");
        }

        if (GrpcPort is < 0 or > 65535)
        {
            problems.Add($"{nameof(GrpcPort)} is {GrpcPort}; it must be 0 (any free port) to 65535.");
        }

        if (RequestTimeout <= TimeSpan.Zero)
        {
            problems.Add($"{nameof(RequestTimeout)} is {RequestTimeout}; it must be positive.");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid service proxy options: " + string.Join(" ", problems));
        }
    }
}
