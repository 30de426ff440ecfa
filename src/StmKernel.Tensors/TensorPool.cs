using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace StmKernel.Tensors;

/// <summary>
/// One pinned block of floats that a plan's activations are views into (<see cref="BlockedTensor"/> at planned
/// offsets). The planner places its buffers when the size is first asked for or the memory first used, so a plan
/// lays out every buffer before any offset or memory exists.
/// </summary>
internal sealed unsafe class TensorPool(Func<long> place)
{
    private long _length = -1;
    private float[]? _array;

    /// <summary>True once the buffers have their offsets.</summary>
    public bool Placed => _length >= 0;

    /// <summary>Floats the pool holds (places the buffers on first use).</summary>
    public long Length => _length >= 0 ? _length : _length = place();

    /// <summary>Pointer to float 0 (allocates the block on first use).</summary>
    public float* Pointer => (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(Memory()));

    /// <summary>Floats [offset, offset + length) of the block.</summary>
    public Span<float> Span(long offset, int length) => Memory().AsSpan(checked((int)offset), length);

    private float[] Memory() => _array ??= GC.AllocateArray<float>(checked((int)Length), pinned: true);
}
