using System.Runtime.CompilerServices;
using StmKernel.Tensors.Threading;

namespace StmKernel.Tensors.Kernels.Backward;

/// <summary>
/// Weight gradient of a <see cref="Conv2d"/> (K ∈ {1, 3}, stride 1 or 2, padding K/2):
/// <c>dW[co,ci,ky,kx] = Σ_{n,y,x} dy[n,co,y,x] · in[n,ci,y·s+ky−p,x·s+kx−p]</c>, written in PyTorch
/// layout [Cout, Cin, K, K]. The bias gradient is a <see cref="ChannelSums"/> of dy.
/// </summary>
/// <remarks>
/// One task = one 16-channel output block × one group of 9 (input channel, tap) pairs: a 3×3
/// conv's 9 taps of one input channel, or 9 input channels of a 1×1 conv. The 9 accumulators are
/// vectors over the 16 output channels; per output pixel it loads dy once, broadcasts 9 inputs and
/// does 9 FMAs. The halo supplies the zero padding. Every task writes its own outputs, so no
/// reduction across threads is needed and the result does not depend on the thread count.
/// </remarks>
public sealed unsafe class ConvGradWeights : ParallelJob
{
    private const int Group = 9;
    private readonly BlockedTensor _in, _dy;
    private readonly int _k, _stride, _groups;
    private readonly float[] _dw;

    /// <summary>Plans dW for input <paramref name="input"/> [N, Cin, H, W] and output gradient <paramref name="gradOutput"/>
    /// [N, Cout, Ho, Wo] of a <paramref name="k"/>×<paramref name="k"/> conv with <paramref name="stride"/>, into
    /// <paramref name="gradWeight"/> [Cout·Cin·K·K] (PyTorch layout, overwritten each run).</summary>
    public ConvGradWeights(BlockedTensor input, BlockedTensor gradOutput, int k, int stride, float[] gradWeight)
    {
        if (k is not (1 or 3) || stride is not (1 or 2)) throw new ArgumentException($"conv {k}×{k} stride {stride} not supported");
        int p = k / 2, ho = (input.H + 2 * p - k) / stride + 1, wo = (input.W + 2 * p - k) / stride + 1;
        if (gradOutput.N != input.N || gradOutput.H != ho || gradOutput.W != wo)
            throw new ArgumentException($"conv output gradient is [{gradOutput.N}, {gradOutput.C}, {gradOutput.H}, {gradOutput.W}], expected spatial {ho}×{wo}");
        if (gradWeight.Length != gradOutput.C * input.C * k * k) throw new ArgumentException("conv weight gradient has the wrong length");
        _in = input; _dy = gradOutput; _k = k; _stride = stride; _dw = gradWeight;
        int pairs = k == 3 ? input.C : (input.C + Group - 1) / Group;
        _groups = pairs;
    }

    /// <summary>Runs on <paramref name="pool"/>.</summary>
    public void Run(WorkerPool pool) => pool.Run(this, _dy.Cb * _groups);

    /// <summary>Multiply-adds ×2 of one run.</summary>
    public double Flops => 2.0 * _dy.N * _dy.H * _dy.W * _dy.C * _in.C * _k * _k;

    /// <inheritdoc />
    public override void Execute(int task)
    {
        int ob = task / _groups, group = task % _groups;
        int kk = _k * _k, plane = _in.PlaneStride, row = _in.Wp * 16;
        int* off = stackalloc int[Group];
        int* ci = stackalloc int[Group];
        int* tap = stackalloc int[Group];
        int count;
        if (_k == 3)
        {
            count = Group;
            int c = group;
            for (int t = 0; t < Group; t++)
            {
                off[t] = (c >> 4) * plane + (c & 15) + t / 3 * row + t % 3 * 16;
                ci[t] = c; tap[t] = t;
            }
        }
        else
        {
            count = Math.Min(Group, _in.C - group * Group);
            for (int j = 0; j < Group; j++)
            {
                // Past the last channel the lane repeats channel 0: computed, never stored.
                int c = j < count ? group * Group + j : 0;
                off[j] = (c >> 4) * plane + (c & 15);
                ci[j] = c; tap[j] = 0;
            }
        }
        float* acc = stackalloc float[Group * 16];
        new Span<float>(acc, Group * 16).Clear();
        int p = _k / 2;
        for (int n = 0; n < _dy.N; n++)
            for (int y = 0; y < _dy.H; y++)
            {
                float* dyRow = _dy.At(n, ob, y, 0);
                float* inRow = _in.At(n, 0, y * _stride - p, -p);
                if (SimdSupport.UseVector512) Row<V512>(inRow, dyRow, _dy.W, _stride * 16, off, acc);
                else Row<V256x2>(inRow, dyRow, _dy.W, _stride * 16, off, acc);
            }
        int cin = _in.C;
        for (int j = 0; j < count; j++)
            for (int l = 0; l < 16; l++)
            {
                int co = ob * 16 + l;
                if (co < _dy.C) _dw[(co * cin + ci[j]) * kk + tap[j]] = acc[j * 16 + l];
            }
    }

    /// <summary>One output row into the 9 accumulators. Static and call-free so they stay in registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row<TV>(float* input, float* dy, int width, int step, int* off, float* acc) where TV : unmanaged, ISimd16<TV>
    {
        int o0 = off[0], o1 = off[1], o2 = off[2], o3 = off[3], o4 = off[4], o5 = off[5], o6 = off[6], o7 = off[7], o8 = off[8];
        TV a0 = TV.Load(acc), a1 = TV.Load(acc + 16), a2 = TV.Load(acc + 32), a3 = TV.Load(acc + 48), a4 = TV.Load(acc + 64);
        TV a5 = TV.Load(acc + 80), a6 = TV.Load(acc + 96), a7 = TV.Load(acc + 112), a8 = TV.Load(acc + 128);
        for (int x = 0; x < width; x++, dy += 16, input += step)
        {
            TV g = TV.Load(dy);
            a0 = TV.MultiplyAdd(TV.Broadcast(input[o0]), g, a0);
            a1 = TV.MultiplyAdd(TV.Broadcast(input[o1]), g, a1);
            a2 = TV.MultiplyAdd(TV.Broadcast(input[o2]), g, a2);
            a3 = TV.MultiplyAdd(TV.Broadcast(input[o3]), g, a3);
            a4 = TV.MultiplyAdd(TV.Broadcast(input[o4]), g, a4);
            a5 = TV.MultiplyAdd(TV.Broadcast(input[o5]), g, a5);
            a6 = TV.MultiplyAdd(TV.Broadcast(input[o6]), g, a6);
            a7 = TV.MultiplyAdd(TV.Broadcast(input[o7]), g, a7);
            a8 = TV.MultiplyAdd(TV.Broadcast(input[o8]), g, a8);
        }
        TV.Store(acc, a0); TV.Store(acc + 16, a1); TV.Store(acc + 32, a2); TV.Store(acc + 48, a3); TV.Store(acc + 64, a4);
        TV.Store(acc + 80, a5); TV.Store(acc + 96, a6); TV.Store(acc + 112, a7); TV.Store(acc + 128, a8);
    }
}
