namespace StmKernel.Tensors.Kernels;

/// <summary>
/// Loads and stores the last, partial 16-lane block of a plain span, so element-wise ops on spans of
/// any length run their tail through the same vector code as the full blocks (bit-identical per
/// element, wherever it falls) instead of a scalar copy of the formula.
/// </summary>
internal static unsafe class PartialBlock
{
    /// <summary>The first <paramref name="count"/> (&lt; 16) floats at <paramref name="p"/>, the other lanes 0.</summary>
    public static TV Load<TV>(float* p, int count) where TV : unmanaged, ISimd16<TV>
    {
        float* block = stackalloc float[16];
        new Span<float>(block, 16).Clear();
        new ReadOnlySpan<float>(p, count).CopyTo(new Span<float>(block, count));
        return TV.Load(block);
    }

    /// <summary>Writes the first <paramref name="count"/> (&lt; 16) lanes of <paramref name="v"/> to <paramref name="p"/>.</summary>
    public static void Store<TV>(float* p, int count, TV v) where TV : unmanaged, ISimd16<TV>
    {
        float* block = stackalloc float[16];
        TV.Store(block, v);
        new ReadOnlySpan<float>(block, count).CopyTo(new Span<float>(p, count));
    }
}
