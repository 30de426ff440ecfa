namespace StmKernel.Tensors.Backends.Cpu;

/// <summary>
/// Hands out activation buffers while a forward plan is built and takes them back after their last
/// planned use, so buffers of the same shape are shared across layers. The plan owns every buffer
/// for its lifetime: running the plan allocates nothing.
/// </summary>
/// <remarks>Reuse is safe because every kernel writes all 16 lanes of the interior it produces and no
/// kernel writes the zero halo.</remarks>
internal sealed class BufferArena
{
    private readonly Dictionary<(int N, int C, int H, int W), Stack<BlockedTensor>> _free = new();
    private readonly HashSet<BlockedTensor> _live = new(ReferenceEqualityComparer.Instance);

    /// <summary>Bytes allocated in all.</summary>
    public long AllocatedBytes { get; private set; }

    /// <summary>A buffer of the given shape, reused when one is free.</summary>
    public BlockedTensor Acquire(int n, int c, int h, int w)
    {
        BlockedTensor t;
        if (_free.TryGetValue((n, c, h, w), out var stack) && stack.Count > 0) t = stack.Pop();
        else
        {
            t = new BlockedTensor(n, c, h, w);
            AllocatedBytes += t.Storage.Length * sizeof(float);
        }
        _live.Add(t);
        return t;
    }

    /// <summary>Returns a buffer whose last reader has been planned.</summary>
    public void Release(BlockedTensor t)
    {
        if (!_live.Remove(t)) throw new InvalidOperationException("buffer released twice or not from this arena");
        var key = (t.N, t.C, t.H, t.W);
        if (!_free.TryGetValue(key, out var stack)) _free[key] = stack = new();
        stack.Push(t);
    }
}
