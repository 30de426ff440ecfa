using System.Numerics.Tensors;

namespace StmKernel.Tensors.Kernels.Backward;

/// <summary>Backward of SiLU: <c>dx = dy · σ(x)(1 + x(1 − σ(x)))</c>, element-wise on plain spans.</summary>
/// <remarks>In the U-Net SiLU is fused into group norm (see <see cref="GroupNormBackward"/>); the
/// free-standing one acts on the time embedding, a few hundred values, and on whole blocked
/// buffers through <see cref="Apply(BlockedTensor, BlockedTensor, BlockedTensor)"/>.</remarks>
public static class SiluBackward
{
    /// <summary>dx = dy·SiLU′(x); <paramref name="gradInput"/> may alias <paramref name="gradOutput"/>.</summary>
    public static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> gradOutput, Span<float> gradInput)
    {
        if (gradOutput.Length != x.Length || gradInput.Length != x.Length) throw new ArgumentException("SiLU backward operands differ in length");
        const int Chunk = 256;
        Span<float> s = stackalloc float[Chunk];
        for (int start = 0; start < x.Length; start += Chunk)
        {
            int len = Math.Min(Chunk, x.Length - start);
            var xs = x.Slice(start, len);
            var sig = s[..len];
            TensorPrimitives.Sigmoid(xs, sig);
            for (int i = 0; i < len; i++)
                gradInput[start + i] = gradOutput[start + i] * sig[i] * (1f + xs[i] * (1f - sig[i]));
        }
    }

    /// <summary>The blocked form over whole buffers (halos are 0 in dy, so dx's stay 0).</summary>
    public static void Apply(BlockedTensor x, BlockedTensor gradOutput, BlockedTensor gradInput)
    {
        if (!gradOutput.HasShape(x.N, x.C, x.H, x.W) || !gradInput.HasShape(x.N, x.C, x.H, x.W))
            throw new ArgumentException("SiLU backward operands differ in shape");
        Apply(x.Storage, gradOutput.Storage, gradInput.Storage);
    }
}
