using StmKernel.Tensors;
using StmKernel.UNet.Planning;

namespace StmKernel.Train.Graph;

/// <summary>
/// Routes activation gradients while the backward plan is laid out. Every layer that read an
/// activation A in the forward contributes to dL/dA: the first contributor gets a fresh buffer to
/// overwrite, later ones add into it (a skip tensor is read by the next layer and by a concat).
/// A's producer then takes the finished gradient and releases it, so gradient buffers live only
/// from their first contribution to their producer's backward, sharing the arena with activations.
/// </summary>
internal sealed class GradientMap(BufferArena arena)
{
    private readonly Dictionary<BlockedTensor, BlockedTensor> _grads = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<BlockedTensor> _external = new(ReferenceEqualityComparer.Instance);

    /// <summary>The buffer a contributor to dL/d<paramref name="activation"/> writes, and whether it must add.</summary>
    public (BlockedTensor Buffer, bool Accumulate) Contribute(BlockedTensor activation)
    {
        if (_grads.TryGetValue(activation, out var g)) return (g, true);
        g = arena.Acquire(activation.N, activation.C, activation.H, activation.W);
        _grads[activation] = g;
        return (g, false);
    }

    /// <summary>Registers a caller-owned buffer as the gradient of <paramref name="activation"/> (the loss gradient of the output).</summary>
    public void Seed(BlockedTensor activation, BlockedTensor gradient)
    {
        _grads[activation] = gradient;
        _external.Add(gradient);
    }

    /// <summary>The complete gradient of <paramref name="activation"/>, for its producer.</summary>
    public BlockedTensor Of(BlockedTensor activation) =>
        _grads.TryGetValue(activation, out var g) ? g : throw new InvalidOperationException("no gradient flows to this activation: a backward step is missing");

    /// <summary>Returns the gradient buffer of <paramref name="activation"/> to the arena after its last planned reader.</summary>
    public void Release(BlockedTensor activation)
    {
        var g = Of(activation);
        _grads.Remove(activation);
        if (!_external.Contains(g)) arena.Release(g);
    }
}
