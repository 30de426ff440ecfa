using StmKernel.Tensors.Graph;

namespace StmKernel.Tensors.Backends.Cpu;

/// <summary>
/// Routes activation gradients while a backward plan is laid out. Every op that read an activation A in the
/// forward contributes to dL/dA: the first contributor gets a buffer to overwrite, later ones add into it (a skip
/// tensor is read by the next layer and by a concat). A's producer then takes the finished gradient and releases
/// it, so gradient buffers live only from their first contribution to their producer's backward, sharing the
/// arena with activations.
/// </summary>
/// <remarks>
/// Gradients are keyed by graph value, not by buffer: the forward reuses a freed value's buffer for later values.
/// A residual input's gradient is the output's gradient itself: <see cref="Share"/> hands the same buffer to the
/// residual instead of copying it, and a buffer returns to the arena when the last activation using it is released.
/// Later contributions to the residual add into the shared buffer, which is safe because every reader of the
/// output's gradient is planned, and so runs, before them.
/// </remarks>
internal sealed class GradientMap(BufferArena arena)
{
    private readonly Dictionary<GraphValue, BlockedTensor> _grads = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<BlockedTensor, int> _users = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<BlockedTensor> _external = new(ReferenceEqualityComparer.Instance);

    /// <summary>The buffer a contributor to dL/d<paramref name="activation"/> writes, and whether it must add.</summary>
    public (BlockedTensor Buffer, bool Accumulate) Contribute(GraphValue activation)
    {
        if (_grads.TryGetValue(activation, out var g)) return (g, true);
        g = arena.Acquire(activation.N, activation.C, activation.H, activation.W);
        Bind(activation, g);
        return (g, false);
    }

    /// <summary>
    /// Makes <paramref name="gradient"/> (a planned gradient) also dL/d<paramref name="activation"/> when nothing has
    /// contributed to it yet; returns false (and does nothing) otherwise, so the caller adds into the existing one.
    /// </summary>
    public bool Share(GraphValue activation, BlockedTensor gradient)
    {
        if (_grads.ContainsKey(activation) || _external.Contains(gradient)) return false;
        Bind(activation, gradient);
        return true;
    }

    /// <summary>Registers a caller-owned buffer as the gradient of <paramref name="activation"/> (the loss gradient of the output).</summary>
    public void Seed(GraphValue activation, BlockedTensor gradient)
    {
        _grads[activation] = gradient;
        _external.Add(gradient);
    }

    /// <summary>True when some op has contributed to dL/d<paramref name="activation"/>.</summary>
    public bool Has(GraphValue activation) => _grads.ContainsKey(activation);

    /// <summary>The complete gradient of <paramref name="activation"/>, for its producer.</summary>
    public BlockedTensor Of(GraphValue activation) =>
        _grads.TryGetValue(activation, out var g) ? g : throw new InvalidOperationException("no gradient flows to this activation: a backward step is missing");

    /// <summary>Drops dL/d<paramref name="activation"/> after its last planned reader, returning its buffer to the arena when no other activation shares it.</summary>
    public void Release(GraphValue activation)
    {
        var g = Of(activation);
        _grads.Remove(activation);
        if (_external.Contains(g)) return;
        if (--_users[g] > 0) return;
        _users.Remove(g);
        arena.Release(g);
    }

    private void Bind(GraphValue activation, BlockedTensor gradient)
    {
        _grads[activation] = gradient;
        _users[gradient] = _users.GetValueOrDefault(gradient) + 1;
    }
}
