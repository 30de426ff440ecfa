using StmKernel.Tensors.Threading;

namespace StmKernel.Tensors.Kernels;

/// <summary>
/// Zeroes an activation's one-pixel halo and the padding lanes past C of its last channel block: what every kernel
/// may assume of a buffer it reads but never writes. A planner runs it when a buffer takes over memory that another
/// activation used, before the buffer's producer writes the interior. Shapes: [N, C, H, W], in place.
/// </summary>
public sealed unsafe class ZeroHalo(BlockedTensor tensor) : ParallelJob
{
    /// <summary>Runs on <paramref name="pool"/>, one channel-block plane per task.</summary>
    public void Run(WorkerPool pool) => pool.Run(this, tensor.N * tensor.Cb);

    /// <inheritdoc />
    public override void Execute(int task)
    {
        var t = tensor;
        int n = task / t.Cb, cb = task % t.Cb, row = t.Wp * BlockedTensor.Lanes;
        new Span<float>(t.At(n, cb, -1, -1), row).Clear();
        new Span<float>(t.At(n, cb, t.H, -1), row).Clear();
        int padFrom = cb == t.Cb - 1 ? t.C - cb * BlockedTensor.Lanes : BlockedTensor.Lanes;
        for (int y = 0; y < t.H; y++)
        {
            new Span<float>(t.At(n, cb, y, -1), BlockedTensor.Lanes).Clear();
            new Span<float>(t.At(n, cb, y, t.W), BlockedTensor.Lanes).Clear();
            if (padFrom == BlockedTensor.Lanes) continue;
            float* p = t.At(n, cb, y, 0);
            for (int x = 0; x < t.W; x++) new Span<float>(p + x * BlockedTensor.Lanes + padFrom, BlockedTensor.Lanes - padFrom).Clear();
        }
    }
}
