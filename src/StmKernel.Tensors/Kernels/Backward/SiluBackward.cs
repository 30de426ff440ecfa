namespace StmKernel.Tensors.Kernels.Backward;

/// <summary>Backward of SiLU: <c>dx = dy · σ(x)(1 + x(1 − σ(x)))</c>, element-wise on plain spans.</summary>
/// <remarks>In the U-Net SiLU is fused into group norm (see <see cref="GroupNormBackward"/>); the
/// free-standing one acts on the time embedding, a few hundred values, and on whole blocked
/// buffers through <see cref="Apply(BlockedTensor, BlockedTensor, BlockedTensor)"/>. σ is the
/// forward's (<see cref="Activation"/>), so this is the gradient of exactly what <see cref="Silu"/> computes.</remarks>
public static unsafe class SiluBackward
{
    /// <summary>dx = dy·SiLU′(x); <paramref name="gradInput"/> may alias <paramref name="gradOutput"/>.</summary>
    public static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> gradOutput, Span<float> gradInput)
    {
        if (gradOutput.Length != x.Length || gradInput.Length != x.Length) throw new ArgumentException("SiLU backward operands differ in length");
        fixed (float* px = x, pdy = gradOutput, pdx = gradInput)
        {
            SimdSupport.Run(new ElementsBody(px, pdy, pdx, x.Length));
        }
    }

    /// <summary>The blocked form over whole buffers (halos are 0 in dy, so dx's stay 0).</summary>
    public static void Apply(BlockedTensor x, BlockedTensor gradOutput, BlockedTensor gradInput)
    {
        if (!gradOutput.HasShape(x.N, x.C, x.H, x.W) || !gradInput.HasShape(x.N, x.C, x.H, x.W))
            throw new ArgumentException("SiLU backward operands differ in shape");
        int length = x.N * x.Cb * x.PlaneStride;
        SimdSupport.Run(new ElementsBody(x.Base, gradOutput.Base, gradInput.Base, length));
    }

    private readonly struct ElementsBody(float* x, float* dy, float* dx, int length) : ISimdKernel
    {
        public void Run<TV>() where TV : unmanaged, ISimd16<TV> => Elements<TV>(x, dy, dx, length);
    }

    private static void Elements<TV>(float* x, float* dy, float* dx, int length) where TV : unmanaged, ISimd16<TV>
    {
        int i = 0;
        for (; i + 16 <= length; i += 16) TV.Store(dx + i, TV.Multiply(TV.Load(dy + i), Activation.SiluDerivative(TV.Load(x + i))));
        int rest = length - i;
        if (rest > 0)
            PartialBlock.Store(dx + i, rest, TV.Multiply(PartialBlock.Load<TV>(dy + i, rest), Activation.SiluDerivative(PartialBlock.Load<TV>(x + i, rest))));
    }
}
