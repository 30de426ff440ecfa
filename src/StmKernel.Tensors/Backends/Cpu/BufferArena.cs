using StmKernel.Tensors.Kernels;
using StmKernel.Tensors.Threading;

namespace StmKernel.Tensors.Backends.Cpu;

/// <summary>
/// Lays out a plan's activation and gradient buffers in one <see cref="TensorPool"/>. While a plan is built each
/// buffer is acquired and released in step order; that gives every buffer a lifetime, and when planning is over the
/// buffers are placed by size, largest first, each at the lowest offset free of every buffer whose lifetime overlaps
/// its own (TensorFlow Lite's "greedy by size" arena planner). Buffers of any shape share memory; running the plan
/// allocates nothing.
/// </summary>
/// <remarks>
/// Why offline placement: an online best-fit allocator (ggml-alloc's, this class's first version) fragments: a Small
/// U-Net's inference plan at [8, 2, 128, 128] took 182 MB of pool that way and takes 138 MB placed by size.
/// Kernels write only the interior of a buffer and may read its zero halo. Every buffer gets a <see cref="ZeroHalo"/>
/// step before its producer, sent to <see cref="Emit"/> (the step list being planned): its memory held other buffers
/// earlier in the run or in the previous run. The cost is one perimeter per buffer.
/// </remarks>
internal sealed class BufferArena
{
    private const int Alignment = 16;                 // floats: 64 bytes, a cache line and a Vector512
    private readonly TensorPool _pool;
    private readonly List<Lifetime> _buffers = [];
    private readonly Dictionary<BlockedTensor, Lifetime> _live = new(ReferenceEqualityComparer.Instance);
    private int _clock;

    /// <summary>An arena whose pool owns its memory, or draws it from <paramref name="shared"/> (plans that run one at a time).</summary>
    public BufferArena(SharedMemory? shared = null) => _pool = new TensorPool(Place, shared);

    /// <summary>Where each buffer's halo-zeroing step goes: the forward or backward step list being planned.</summary>
    public Action<Action<WorkerPool>>? Emit { get; set; }

    /// <summary>Bytes of the pool (places the buffers: call once planning is over).</summary>
    public long AllocatedBytes => _pool.Length * sizeof(float);

    /// <summary>A buffer of the given shape, live from now until <see cref="Release"/>.</summary>
    public BlockedTensor Acquire(int n, int c, int h, int w)
    {
        if (_pool.Placed) throw new InvalidOperationException("the plan's buffers are placed: no buffer can be added");
        var t = new BlockedTensor(_pool, n, c, h, w);
        var life = new Lifetime(t, (BlockedTensor.LengthOf(n, c, h, w) + Alignment - 1) / Alignment * Alignment, _clock++);
        _buffers.Add(life);
        _live.Add(t, life);
        Emit?.Invoke(new ZeroHalo(t).Run);
        return t;
    }

    /// <summary>Ends a buffer's lifetime: its last reader has been planned.</summary>
    public void Release(BlockedTensor t)
    {
        if (!_live.Remove(t, out var life)) throw new InvalidOperationException("buffer released twice or not from this arena");
        life.End = _clock++;
    }

    /// <summary>Places every buffer (largest first, lowest free offset) and returns the pool's length in floats.</summary>
    private long Place()
    {
        var placed = new List<Lifetime>();
        long top = 0;
        foreach (var b in _buffers.OrderByDescending(b => b.Length).ThenBy(b => b.Start))
        {
            long offset = 0;
            foreach (var other in placed.Where(o => o.Start < b.End && b.Start < o.End).OrderBy(o => o.Offset))
            {
                if (other.Offset - offset >= b.Length) break;
                offset = Math.Max(offset, other.Offset + other.Length);
            }
            b.Offset = offset;
            b.Tensor.Offset = offset;
            placed.Add(b);
            top = Math.Max(top, offset + b.Length);
        }
        return top;
    }

    private sealed class Lifetime(BlockedTensor tensor, long length, int start)
    {
        public BlockedTensor Tensor { get; } = tensor;
        public long Length { get; } = length;
        public int Start { get; } = start;
        public int End { get; set; } = int.MaxValue;   // never released: live to the end of the plan
        public long Offset { get; set; }
    }
}
