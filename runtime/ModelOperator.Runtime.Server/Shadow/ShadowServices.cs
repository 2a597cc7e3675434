namespace ModelOperator.Runtime.Server.Shadow;

/// <summary>Registers mirroring: the instruction reloader, the mirror and their metrics (one line in the server's composition).</summary>
internal static class ShadowServices
{
    public static IServiceCollection AddShadowMirroring(this IServiceCollection services)
    {
        services.AddSingleton<ShadowMetrics>();
        services.AddSingleton<InstructionReloader>();
        services.AddHostedService(sp => sp.GetRequiredService<InstructionReloader>());
        services.AddSingleton<ShadowMirror>();
        services.AddHostedService(sp => sp.GetRequiredService<ShadowMirror>());
        return services;
    }
}
