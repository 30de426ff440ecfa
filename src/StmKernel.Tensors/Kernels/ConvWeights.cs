namespace StmKernel.Tensors.Kernels;

/// <summary>
/// A K×K convolution's weights pre-packed for <see cref="Conv2d"/>: [Cout/16][Cin][K·K][16], so the
/// 16 output channels of one block at one (input channel, tap) are one aligned vector load.
/// Lanes past Cout are zero, which keeps padding lanes of the output zero.
/// </summary>
public sealed class ConvWeights
{
    /// <summary>Input channels.</summary>
    public int Cin { get; }

    /// <summary>Output channels.</summary>
    public int Cout { get; }

    /// <summary>Kernel size K (1 or 3).</summary>
    public int K { get; }

    /// <summary>Stride (1 or 2).</summary>
    public int Stride { get; }

    /// <summary>Output channel blocks ⌈Cout/16⌉.</summary>
    public int CoutBlocks => (Cout + 15) / 16;

    /// <summary>Floats per output-channel block: Cin·K·K·16.</summary>
    public int BlockStride => Cin * K * K * 16;

    /// <summary>Packed weights (pinned).</summary>
    public float[] Packed { get; }

    /// <summary>Bias, padded to CoutBlocks·16 (pinned).</summary>
    public float[] Bias { get; }

    /// <summary>Packs PyTorch-layout weights [Cout, Cin, K, K] and bias [Cout].</summary>
    public ConvWeights(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int cout, int cin, int k, int stride = 1)
    {
        if (k is not (1 or 3)) throw new ArgumentException($"kernel size {k} not supported (1 or 3)");
        if (stride is not (1 or 2)) throw new ArgumentException($"stride {stride} not supported (1 or 2)");
        if (weight.Length != cout * cin * k * k)
            throw new ArgumentException($"conv weight has {weight.Length} values, expected [{cout}, {cin}, {k}, {k}]");
        if (bias.Length != cout) throw new ArgumentException($"conv bias has {bias.Length} values, expected {cout}");
        Cin = cin; Cout = cout; K = k; Stride = stride;
        Packed = GC.AllocateArray<float>(CoutBlocks * BlockStride, pinned: true);
        Bias = GC.AllocateArray<float>(CoutBlocks * 16, pinned: true);
        Load(weight, bias);
    }

    /// <summary>Re-packs from PyTorch-layout weights and bias of this shape (after they changed, e.g. a training step).</summary>
    public void Load(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias)
    {
        if (weight.Length != Cout * Cin * K * K || bias.Length != Cout)
            throw new ArgumentException($"conv weights have {weight.Length} + {bias.Length} values, expected [{Cout}, {Cin}, {K}, {K}] + [{Cout}]");
        int kk = K * K;
        for (int co = 0; co < Cout; co++)
        {
            Bias[co] = bias[co];
            for (int ci = 0; ci < Cin; ci++)
                for (int t = 0; t < kk; t++)
                    Packed[(co / 16) * BlockStride + (ci * kk + t) * 16 + co % 16] = weight[(co * Cin + ci) * kk + t];
        }
    }

    /// <summary>Output size along one axis for input size <paramref name="n"/> (padding K/2).</summary>
    public int OutSize(int n) => (n + 2 * (K / 2) - K) / Stride + 1;

    /// <summary>Multiply-adds ×2 for one image of output size <paramref name="hOut"/>×<paramref name="wOut"/>.</summary>
    public double Flops(int hOut, int wOut) => 2.0 * Cout * Cin * K * K * hOut * wOut;
}
