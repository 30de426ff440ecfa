using StmKernel.Tensors.Kernels;
using StmKernel.Tensors.Threading;

namespace StmKernel.Tensors.Backends.Cpu;

/// <summary>
/// Lays out a plan's activation and gradient buffers in one <see cref="TensorPool"/>, as ggml-alloc does: a buffer
/// takes the best-fitting free range when it is acquired and gives it back after its last planned reader, and
/// adjacent free ranges merge, so buffers of any shape share memory across layers. The pool's size is the
/// high-water mark; running the plan allocates nothing.
/// </summary>
/// <remarks>
/// Kernels write only the interior of a buffer and may read its zero halo. Every buffer gets a <see cref="ZeroHalo"/>
/// step before its producer, sent to <see cref="Emit"/> (the step list being planned): even a range first used by
/// this buffer holds, from the second run on, whatever later buffers of the previous run wrote there. The cost is
/// one perimeter per buffer.
/// </remarks>
internal sealed class BufferArena
{
    private const int Alignment = 16;                        // floats: 64 bytes, a cache line and a Vector512
    private readonly TensorPool _pool = new();
    private readonly SortedDictionary<long, long> _free = []; // offset → length, never adjacent (merged on release)
    private readonly Dictionary<BlockedTensor, (long Offset, long Length)> _live = new(ReferenceEqualityComparer.Instance);

    /// <summary>Where each buffer's halo-zeroing step goes: the forward or backward step list being planned.</summary>
    public Action<Action<WorkerPool>>? Emit { get; set; }

    /// <summary>Bytes of the pool (the high-water mark of the planned buffers).</summary>
    public long AllocatedBytes => _pool.Length * sizeof(float);

    /// <summary>A buffer of the given shape in the best-fitting free range, or at the end of the pool.</summary>
    public BlockedTensor Acquire(int n, int c, int h, int w)
    {
        long length = (BlockedTensor.LengthOf(n, c, h, w) + Alignment - 1) / Alignment * Alignment;
        long offset = -1, best = long.MaxValue;
        foreach (var (start, size) in _free)
            if (size >= length && size < best) (offset, best) = (start, size);
        if (offset >= 0)
        {
            _free.Remove(offset);
            if (best > length) _free[offset + length] = best - length;
        }
        else if (_free.Count > 0 && _free.Last() is var tail && tail.Key + tail.Value == _pool.Length)
        {
            // Extend the free range at the end rather than leave it stranded below new memory.
            offset = tail.Key;
            _free.Remove(tail.Key);
            _pool.Length = offset + length;
        }
        else
        {
            offset = _pool.Length;
            _pool.Length = offset + length;
        }
        var t = new BlockedTensor(_pool, offset, n, c, h, w);
        _live.Add(t, (offset, length));
        Emit?.Invoke(new ZeroHalo(t).Run);
        return t;
    }

    /// <summary>Returns a buffer whose last reader has been planned.</summary>
    public void Release(BlockedTensor t)
    {
        if (!_live.Remove(t, out var range)) throw new InvalidOperationException("buffer released twice or not from this arena");
        var (offset, length) = range;
        // Merge with the free neighbours on either side.
        var before = _free.LastOrDefault(kv => kv.Key < offset);
        if (before.Value > 0 && before.Key + before.Value == offset)
        {
            _free.Remove(before.Key);
            (offset, length) = (before.Key, before.Value + length);
        }
        if (_free.Remove(offset + length, out long after)) length += after;
        _free[offset] = length;
    }
}
