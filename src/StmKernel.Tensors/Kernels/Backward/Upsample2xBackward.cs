using StmKernel.Tensors.Threading;

namespace StmKernel.Tensors.Kernels.Backward;

/// <summary>
/// Backward of <see cref="Upsample2x"/>: each input pixel receives the sum of its 2×2 output block,
/// <c>dx[n,c,y,x] = Σ_{i,j∈{0,1}} dy[n,c,2y+i,2x+j]</c>. One task per input row, whole vectors.
/// </summary>
public sealed unsafe class Upsample2xBackward : ParallelJob
{
    private readonly BlockedTensor _dy, _dx;
    private readonly bool _accumulate;

    /// <summary>Plans dx [N, C, H, W] from dy [N, C, 2H, 2W]; with <paramref name="accumulate"/> adds to dx.</summary>
    public Upsample2xBackward(BlockedTensor gradOutput, BlockedTensor gradInput, bool accumulate)
    {
        if (!gradOutput.HasShape(gradInput.N, gradInput.C, 2 * gradInput.H, 2 * gradInput.W))
            throw new ArgumentException("upsample gradient must be twice the input size");
        _dy = gradOutput; _dx = gradInput; _accumulate = accumulate;
    }

    /// <summary>Runs on <paramref name="pool"/>.</summary>
    public void Run(WorkerPool pool) => pool.Run(this, _dx.N * _dx.Cb * _dx.H);

    /// <inheritdoc />
    public override void Execute(int task) => SimdSupport.Run(new Body(this, task));

    private readonly struct Body(Upsample2xBackward job, int task) : ISimdKernel
    {
        public void Run<TV>() where TV : unmanaged, ISimd16<TV> => job.Row<TV>(task);
    }

    private void Row<TV>(int task) where TV : unmanaged, ISimd16<TV>
    {
        int y = task % _dx.H, plane = task / _dx.H;
        int n = plane / _dx.Cb, cb = plane % _dx.Cb;
        float* top = _dy.At(n, cb, 2 * y, 0), bottom = _dy.At(n, cb, 2 * y + 1, 0), dst = _dx.At(n, cb, y, 0);
        for (int x = 0; x < _dx.W; x++, top += 32, bottom += 32, dst += 16)
        {
            TV s = TV.Add(TV.Add(TV.Load(top), TV.Load(top + 16)), TV.Add(TV.Load(bottom), TV.Load(bottom + 16)));
            TV.Store(dst, _accumulate ? TV.Add(TV.Load(dst), s) : s);
        }
    }
}
