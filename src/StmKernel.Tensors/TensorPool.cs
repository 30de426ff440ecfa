using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace StmKernel.Tensors;

/// <summary>
/// One pinned block of floats that a plan's activations are views into (<see cref="BlockedTensor"/> at planned
/// offsets). The size is fixed by planning; the memory is allocated, zeroed, on first use by a kernel, so a plan
/// can lay out every buffer before any exists.
/// </summary>
internal sealed unsafe class TensorPool
{
    private float[]? _array;
    private long _length;

    /// <summary>Floats the pool holds; grows while planning, fixed once the memory exists.</summary>
    public long Length
    {
        get => _length;
        set
        {
            if (_array is not null) throw new InvalidOperationException("the pool's memory exists: a plan cannot grow after it has run");
            _length = value;
        }
    }

    /// <summary>Pointer to float 0 (allocates the block on first use).</summary>
    public float* Pointer => (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(Memory()));

    /// <summary>Floats [offset, offset + length) of the block.</summary>
    public Span<float> Span(long offset, int length) => Memory().AsSpan(checked((int)offset), length);

    private float[] Memory() => _array ??= GC.AllocateArray<float>(checked((int)_length), pinned: true);
}
