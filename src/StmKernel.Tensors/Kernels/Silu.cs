using StmKernel.Tensors.Threading;

namespace StmKernel.Tensors.Kernels;

/// <summary>
/// SiLU x·σ(x) = x / (1 + e^(−x)) (<see cref="Activation.Silu{TV}"/>), element-wise. Shapes: [N, C, H, W] → same, in place.
/// The planned op runs over the halo and padding lanes too: SiLU(0) = 0 keeps them zero, and one
/// flat loop per plane is the fastest walk. (Inside the U-Net SiLU is fused into group norm; this
/// op serves other graphs and the tests.)
/// </summary>
public sealed unsafe class Silu(BlockedTensor tensor) : ParallelJob
{
    /// <summary>Runs in place on <paramref name="pool"/>.</summary>
    public void Run(WorkerPool pool) => pool.Run(this, tensor.N * tensor.Cb);

    /// <inheritdoc />
    public override void Execute(int task) => SimdSupport.Run(new Body(this, task));

    private readonly struct Body(Silu job, int task) : ISimdKernel
    {
        public void Run<TV>() where TV : unmanaged, ISimd16<TV> => job.Plane<TV>(task);
    }

    private void Plane<TV>(int task) where TV : unmanaged, ISimd16<TV>
    {
        float* p = tensor.Base + (long)task * tensor.PlaneStride;
        for (int i = 0; i < tensor.PlaneStride; i += 16) TV.Store(p + i, TV.Silu(TV.Load(p + i)));
    }

    /// <summary>y = x·σ(x) for short plain vectors (the time embedding); x and y may be the same span.</summary>
    public static void Apply(ReadOnlySpan<float> x, Span<float> y)
    {
        if (y.Length < x.Length) throw new ArgumentException("SiLU output is shorter than its input");
        fixed (float* px = x, py = y)
        {
            SimdSupport.Run(new ElementsBody(px, py, x.Length));
        }
    }

    private readonly struct ElementsBody(float* x, float* y, int length) : ISimdKernel
    {
        public void Run<TV>() where TV : unmanaged, ISimd16<TV> => Elements<TV>(x, y, length);
    }

    private static void Elements<TV>(float* x, float* y, int length) where TV : unmanaged, ISimd16<TV>
    {
        int i = 0;
        for (; i + 16 <= length; i += 16) TV.Store(y + i, TV.Silu(TV.Load(x + i)));
        if (i < length) PartialBlock.Store(y + i, length - i, TV.Silu(PartialBlock.Load<TV>(x + i, length - i)));
    }
}
