using StmKernel.Tensors.Threading;

namespace StmKernel.Tensors.Kernels.Backward;

/// <summary>
/// Per-sample channel sums of a blocked tensor, <c>s[n, c] = Σ_{y,x} t[n,c,y,x]</c>, laid out
/// [N][Cb·16]: the bias gradient of a convolution (summed over n by <see cref="SumOverBatch"/>) and
/// the gradient of a per-sample channel bias (the ResNet time projection) in one pass.
/// Rows are summed as float vectors and combined in double.
/// </summary>
public sealed unsafe class ChannelSums : ParallelJob
{
    private readonly BlockedTensor _t;

    /// <summary>Plans sums of <paramref name="tensor"/>.</summary>
    public ChannelSums(BlockedTensor tensor)
    {
        _t = tensor;
        Sums = new float[tensor.N * tensor.Cb * 16];
    }

    /// <summary>[N][Cb·16] sums of the last run.</summary>
    public float[] Sums { get; }

    /// <summary>Runs on <paramref name="pool"/>.</summary>
    public void Run(WorkerPool pool) => pool.Run(this, _t.N * _t.Cb);

    /// <summary>Writes Σ_n Sums[n, c] for c &lt; C into <paramref name="target"/>.</summary>
    public void SumOverBatch(Span<float> target)
    {
        int cp = _t.Cb * 16;
        for (int c = 0; c < _t.C; c++)
        {
            double s = 0;
            for (int n = 0; n < _t.N; n++) s += Sums[n * cp + c];
            target[c] = (float)s;
        }
    }

    /// <inheritdoc />
    public override void Execute(int task) => SimdSupport.Run(new Body(this, task));

    private readonly struct Body(ChannelSums job, int task) : ISimdKernel
    {
        public void Run<TV>() where TV : unmanaged, ISimd16<TV> => job.Plane<TV>(task);
    }

    private void Plane<TV>(int task) where TV : unmanaged, ISimd16<TV>
    {
        int n = task / _t.Cb, cb = task % _t.Cb;
        double* total = stackalloc double[16];
        for (int l = 0; l < 16; l++) total[l] = 0;
        for (int y = 0; y < _t.H; y++)
        {
            float* p = _t.At(n, cb, y, 0);
            TV s0 = TV.Zero, s1 = TV.Zero;
            int x = 0;
            for (; x + 2 <= _t.W; x += 2, p += 32) { s0 = TV.Add(s0, TV.Load(p)); s1 = TV.Add(s1, TV.Load(p + 16)); }
            if (x < _t.W) s0 = TV.Add(s0, TV.Load(p));
            TV s = TV.Add(s0, s1);
            for (int l = 0; l < 16; l++) total[l] += TV.GetLane(s, l);
        }
        for (int l = 0; l < 16; l++) Sums[task * 16 + l] = (float)total[l];
    }
}
