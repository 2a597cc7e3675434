using Grpc.Core;
using ModelOperator.Runtime.Server.Grpc.Protocol;

namespace ModelOperator.Runtime.Server.Shadow;

/// <summary>
/// The gRPC service's one hook into mirroring: a ModelInfer call is chosen by the same share and goes into the same
/// queue as a REST request, counted and compared alike. The call keeps only references to its two messages (neither is
/// changed after the call); the sender turns the request into the REST JSON body the candidate gets and reads the
/// stable answer from the response (see <see cref="CopySender"/>).
/// </summary>
internal static class GrpcMirroring
{
    /// <summary>After a successful ModelInfer: offer a copy of the call to the mirror.</summary>
    public static void Offer(ServerCallContext context, ModelInferRequest request, ModelInferResponse response) =>
        context.GetHttpContext().RequestServices.GetRequiredService<ShadowMirror>().OfferGrpc(request, response);
}
