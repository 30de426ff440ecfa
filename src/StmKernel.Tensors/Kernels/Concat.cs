using StmKernel.Tensors.Threading;

namespace StmKernel.Tensors.Kernels;

/// <summary>
/// Channel concatenation <c>out = cat([a, b], dim = 1)</c>. Shapes: [N, Ca, H, W] + [N, Cb, H, W] →
/// [N, Ca + Cb, H, W]. When Ca is a multiple of 16 (every U-Net concat) it is a copy of whole
/// planes, halo included; otherwise b's channels are shifted lane by lane.
/// </summary>
public sealed unsafe class Concat : ParallelJob
{
    private readonly BlockedTensor _a, _b, _out;

    /// <summary>Plans a concatenation between fixed buffers.</summary>
    public Concat(BlockedTensor a, BlockedTensor b, BlockedTensor output)
    {
        if (a.N != b.N || a.H != b.H || a.W != b.W) throw new ArgumentException("concat inputs differ in batch or spatial size");
        if (!output.HasShape(a.N, a.C + b.C, a.H, a.W)) throw new ArgumentException($"concat output must have {a.C + b.C} channels");
        _a = a; _b = b; _out = output;
    }

    /// <summary>Runs on <paramref name="pool"/>.</summary>
    public void Run(WorkerPool pool) => pool.Run(this, _out.N * _out.Cb);

    /// <inheritdoc />
    public override void Execute(int task)
    {
        int n = task / _out.Cb, cb = task % _out.Cb;
        float* dst = _out.At(n, cb, -1, -1);
        int plane = _out.PlaneStride;
        if (_a.C % 16 == 0)
        {
            var src = cb < _a.Cb ? _a.At(n, cb, -1, -1) : _b.At(n, cb - _a.Cb, -1, -1);
            Buffer.MemoryCopy(src, dst, plane * sizeof(float), plane * sizeof(float));
            return;
        }
        for (int l = 0; l < 16; l++)
        {
            int c = cb * 16 + l;
            BlockedTensor from = c < _a.C ? _a : _b;
            int fc = c < _a.C ? c : c - _a.C;
            if (c >= _out.C) continue;
            float* s = from.At(n, fc / 16, -1, -1) + fc % 16;
            for (int i = 0; i < plane; i += 16) dst[i + l] = s[i];
        }
    }
}
