namespace StmKernel.Tensors.Kernels;

/// <summary>
/// One pinned buffer for the transformed weights of every Winograd convolution of the inference plans of one model,
/// which run one layer at a time: each layer transforms its weights into it just before it runs
/// (<see cref="WinogradWeights.Streamed"/>) instead of keeping its own copy. The Small U-Net's F(4×4) copies are 36/9 = 4×
/// its 3×3 weights, about 50 MB; the scratch holds the widest layer's, 4.7 MB (docs/performance.md, restore memory).
/// <see cref="Backends.Cpu.CpuBackend"/> decides which layers stream.
/// </summary>
public sealed class WinogradScratch
{
    internal float[] Packed { get; private set; } = [];

    internal float[] Bias { get; private set; } = [];

    /// <summary>Bytes held.</summary>
    public long Bytes => (Packed.LongLength + Bias.LongLength) * sizeof(float);

    /// <summary>Grows the buffers to at least the given float counts (plan time, before any run).</summary>
    internal void Reserve(int packed, int bias)
    {
        if (Packed.Length < packed) Packed = GC.AllocateArray<float>(packed, pinned: true);
        if (Bias.Length < bias) Bias = GC.AllocateArray<float>(bias, pinned: true);
    }
}
