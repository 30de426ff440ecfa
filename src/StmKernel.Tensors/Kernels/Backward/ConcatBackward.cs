using StmKernel.Tensors.Threading;

namespace StmKernel.Tensors.Kernels.Backward;

/// <summary>
/// Backward of <see cref="Concat"/>: splits dy [N, Ca + Cb, H, W] into da [N, Ca, H, W] and
/// db [N, Cb, H, W], each written or added (a skip tensor also gets a gradient from the layer
/// that read it in the down path). Whole vectors when Ca is a multiple of 16, lane by lane otherwise.
/// </summary>
public sealed unsafe class ConcatBackward : ParallelJob
{
    private readonly BlockedTensor _dy, _da, _db;
    private readonly bool _accA, _accB;

    /// <summary>Plans the split; the flags choose add (true) or overwrite per side.</summary>
    public ConcatBackward(BlockedTensor gradOutput, BlockedTensor gradA, BlockedTensor gradB, bool accumulateA, bool accumulateB)
    {
        if (gradA.N != gradB.N || gradA.H != gradB.H || gradA.W != gradB.W || !gradOutput.HasShape(gradA.N, gradA.C + gradB.C, gradA.H, gradA.W))
            throw new ArgumentException("concat gradient shapes do not match");
        _dy = gradOutput; _da = gradA; _db = gradB; _accA = accumulateA; _accB = accumulateB;
    }

    /// <summary>Runs on <paramref name="pool"/>.</summary>
    public void Run(WorkerPool pool) => pool.Run(this, _dy.N * _dy.H);

    /// <inheritdoc />
    public override void Execute(int task) => SimdSupport.Run(new Body(this, task));

    private readonly struct Body(ConcatBackward job, int task) : ISimdKernel
    {
        public void Run<TV>() where TV : unmanaged, ISimd16<TV> => job.Row<TV>(task);
    }

    private void Row<TV>(int task) where TV : unmanaged, ISimd16<TV>
    {
        int n = task / _dy.H, y = task % _dy.H, w = _dy.W;
        if (_da.C % 16 == 0)
        {
            for (int cb = 0; cb < _dy.Cb; cb++)
            {
                bool first = cb < _da.Cb;
                float* dst = first ? _da.At(n, cb, y, 0) : _db.At(n, cb - _da.Cb, y, 0);
                bool acc = first ? _accA : _accB;
                float* src = _dy.At(n, cb, y, 0);
                for (int i = 0; i < w * 16; i += 16)
                    TV.Store(dst + i, acc ? TV.Add(TV.Load(dst + i), TV.Load(src + i)) : TV.Load(src + i));
            }
            return;
        }
        for (int c = 0; c < _dy.C; c++)
        {
            bool first = c < _da.C;
            BlockedTensor to = first ? _da : _db;
            int tc = first ? c : c - _da.C;
            bool acc = first ? _accA : _accB;
            float* src = _dy.At(n, c / 16, y, 0) + c % 16, dst = to.At(n, tc / 16, y, 0) + tc % 16;
            for (int x = 0; x < w; x++) dst[x * 16] = acc ? dst[x * 16] + src[x * 16] : src[x * 16];
        }
    }
}
