using System.Runtime.Intrinsics;
using StmKernel.Tensors.Threading;

namespace StmKernel.Tensors.Kernels;

/// <summary>
/// Nearest-neighbour ×2 upsampling: <c>out[n,c,y,x] = in[n,c,⌊y/2⌋,⌊x/2⌋]</c>.
/// Shapes: [N, C, H, W] → [N, C, 2H, 2W]. One task per output row; whole 16-channel vectors are copied.
/// </summary>
public sealed unsafe class Upsample2x : ParallelJob
{
    private readonly BlockedTensor _in, _out;

    /// <summary>Plans an upsample between fixed buffers.</summary>
    public Upsample2x(BlockedTensor input, BlockedTensor output)
    {
        if (!output.HasShape(input.N, input.C, 2 * input.H, 2 * input.W))
            throw new ArgumentException($"upsample output must be [{input.N}, {input.C}, {2 * input.H}, {2 * input.W}]");
        _in = input; _out = output;
    }

    /// <summary>Runs on <paramref name="pool"/>.</summary>
    public void Run(WorkerPool pool) => pool.Run(this, _out.N * _out.Cb * _out.H);

    /// <inheritdoc />
    public override void Execute(int task)
    {
        int y = task % _out.H, plane = task / _out.H;
        int n = plane / _out.Cb, cb = plane % _out.Cb;
        float* src = _in.At(n, cb, y / 2, 0), dst = _out.At(n, cb, y, 0);
        for (int x = 0; x < _in.W; x++, src += 16, dst += 32)
        {
            // A 64-byte block copy: Vector512 as a plain value type works with or without AVX-512.
            var v = *(Vector512<float>*)src;
            *(Vector512<float>*)dst = v;
            *(Vector512<float>*)(dst + 16) = v;
        }
    }
}
