using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace StmKernel.Tensors;

/// <summary>
/// One pinned block of floats that a plan's activations are views into (<see cref="BlockedTensor"/> at planned
/// offsets). The planner places its buffers when the size is first asked for or the memory first used, so a plan
/// lays out every buffer before any offset or memory exists. Pools of plans that never run at the same time (a
/// model's inference plans for several input shapes) may draw their memory from one <see cref="SharedMemory"/>.
/// </summary>
internal sealed unsafe class TensorPool(Func<long> place, SharedMemory? shared = null)
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

    private float[] Memory() => shared?.Rent(Length) ?? (_array ??= GC.AllocateArray<float>(checked((int)Length), pinned: true));
}

/// <summary>
/// One pinned block lent to several <see cref="TensorPool"/>s whose plans run one at a time: it grows to the largest
/// pool, so a model holds one activation block however many input shapes it has plans for. A plan must not keep
/// anything in its pool between runs (inference plans do not; a training plan keeps activations for its backward).
/// </summary>
internal sealed class SharedMemory
{
    private float[]? _array;

    /// <summary>At least <paramref name="length"/> floats; a larger request replaces the block (its contents are not kept).</summary>
    public float[] Rent(long length)
    {
        if (_array is null || _array.Length < length) _array = GC.AllocateArray<float>(checked((int)length), pinned: true);
        return _array;
    }
}
