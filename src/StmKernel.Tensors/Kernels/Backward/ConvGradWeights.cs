using System.Runtime.CompilerServices;
using StmKernel.Tensors.Threading;

namespace StmKernel.Tensors.Kernels.Backward;

/// <summary>
/// Weight gradient of a <see cref="Conv2d"/> (K ∈ {1, 3}, stride 1 or 2, padding K/2):
/// <c>dW[co,ci,ky,kx] = Σ_{n,y,x} dy[n,co,y,x] · in[n,ci,y·s+ky−p,x·s+kx−p]</c>, written in PyTorch
/// layout [Cout, Cin, K, K]. The bias gradient is a <see cref="ChannelSums"/> of dy.
/// </summary>
/// <remarks>
/// One task = up to two 16-channel output blocks × up to 8 groups of 9 (input channel, tap) pairs: a
/// group is the 9 taps of one input channel of a 3×3 conv, or 9 (then 7) lanes of one input block of
/// a 1×1 conv. Rows go in chunks of 8, all of the task's groups per chunk, so dy is read from cache.
/// The register tile holds 9 × 2 vector accumulators over the output channels for one chunk;
/// per output pixel it loads dy twice, broadcasts 9 inputs and does 18 FMAs. The 9 inputs sit at
/// p + a·R + b·Q (a, b ∈ 0..2), so three row pointers with constant displacements address them
/// without spilling offsets. Every task writes its own outputs: no cross-thread reduction, and the
/// result does not depend on the thread count.
/// </remarks>
public sealed unsafe class ConvGradWeights : ParallelJob
{
    private const int Group = 9;
    private const int AccFloats = 2 * Group * 16;
    private const int GroupsPerTask = 8;
    private const int ChunkRows = 8;
    private readonly BlockedTensor _in, _dy;
    private readonly int _k, _stride, _groups, _pairs, _sets;
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
        _groups = k == 3 ? input.C : 2 * input.Cb;
        // Two output blocks per tile need 18 accumulators: only AVX-512 has the registers for that.
        _pairs = SimdSupport.Path == SimdPath.Vector512 ? (gradOutput.Cb + 1) / 2 : gradOutput.Cb;
        _sets = (_groups + GroupsPerTask - 1) / GroupsPerTask;
    }

    /// <summary>Runs on <paramref name="pool"/>.</summary>
    public void Run(WorkerPool pool) => pool.Run(this, _pairs * _sets);

    /// <summary>Multiply-adds ×2 of one run.</summary>
    public double Flops => 2.0 * _dy.N * _dy.H * _dy.W * _dy.C * _in.C * _k * _k;

    /// <inheritdoc />
    public override void Execute(int task) => SimdSupport.Run(new Body(this, task));

    private readonly struct Body(ConvGradWeights job, int task) : ISimdKernel
    {
        public void Run<TV>() where TV : unmanaged, ISimd16<TV> => job.Execute<TV>(task);
    }

    private void Execute<TV>(int task) where TV : unmanaged, ISimd16<TV>
    {
        int pair = task / _sets, set = task % _sets;
        int first = set * GroupsPerTask, last = Math.Min(first + GroupsPerTask, _groups);
        bool wide = typeof(TV) == typeof(V512); // a constant in each instantiation
        int ob = wide ? 2 * pair : pair, blocks = wide && ob + 1 < _dy.Cb ? 2 : 1;
        int p = _k / 2, dyPlane = _dy.PlaneStride, step = _stride * 16;
        long inRow = (long)_stride * _in.Wp * 16, dyRow = _dy.Wp * 16;
        float* acc = stackalloc float[GroupsPerTask * AccFloats];
        new Span<float>(acc, GroupsPerTask * AccFloats).Clear();
        // Rows in chunks, every group of the task per chunk: the chunk of dy stays in cache while
        // all groups read it, instead of streaming all of dy once per group.
        for (int n = 0; n < _dy.N; n++)
            for (int y0 = 0; y0 < _dy.H; y0 += ChunkRows)
            {
                int rows = Math.Min(ChunkRows, _dy.H - y0);
                float* dy = _dy.At(n, ob, y0, 0);
                float* origin = _in.At(n, 0, y0 * _stride - p, -p);
                for (int g = first; g < last; g++)
                {
                    var (offset, r, _, count) = Layout(g);
                    if (count <= 0) continue;
                    float* a = acc + (g - first) * AccFloats;
                    if (blocks == 2) Sample<TV, C2>(origin + offset, dy, rows, _dy.W, inRow, dyRow, step, dyPlane, r, _k, a);
                    else Sample<TV, C1>(origin + offset, dy, rows, _dy.W, inRow, dyRow, step, dyPlane, r, _k, a);
                }
            }
        int cin = _in.C, kk = _k * _k;
        for (int g = first; g < last; g++)
        {
            var (_, _, firstChannel, count) = Layout(g);
            float* a = acc + (g - first) * AccFloats;
            for (int b = 0; b < blocks; b++)
                for (int j = 0; j < count; j++)
                {
                    int ci = _k == 3 ? firstChannel : firstChannel + j, tap = _k == 3 ? j : 0;
                    for (int l = 0; l < 16; l++)
                    {
                        int co = (ob + b) * 16 + l;
                        if (co < _dy.C) _dw[(co * cin + ci) * kk + tap] = a[(b * Group + j) * 16 + l];
                    }
                }
        }
    }

    /// <summary>
    /// Group <paramref name="g"/>: offset of its first input from the tap-(0, 0) pixel, the row step R of
    /// its 3×3 grid of inputs, its first input channel and how many of the 9 accumulators are real.
    /// </summary>
    private (int Offset, int R, int FirstChannel, int Count) Layout(int g)
    {
        if (_k == 3) return ((g >> 4) * _in.PlaneStride + (g & 15), _in.Wp * 16, g, Group);
        int cb = g / 2, lane = g % 2 * Group, firstChannel = cb * 16 + lane;
        return (cb * _in.PlaneStride + lane, 3, firstChannel, Math.Min(g % 2 == 0 ? Group : 16 - Group, _in.C - firstChannel));
    }

    /// <summary>A chunk of rows of one sample into one group's accumulators (static and call-free so they stay in registers).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Sample<TV, TCo>(float* input, float* dy, int rows, int width, long inRow, long dyRow, int step, int dyPlane, int r, int k, float* acc)
        where TV : unmanaged, ISimd16<TV> where TCo : struct, IConst
    {
        bool two = TCo.Value == 2;
        int q = k == 3 ? 16 : 1, q2 = 2 * q, r2 = 2 * r;
        float* bacc = acc + Group * 16;
        TV a0 = TV.Load(acc), a1 = TV.Load(acc + 16), a2 = TV.Load(acc + 32), a3 = TV.Load(acc + 48), a4 = TV.Load(acc + 64);
        TV a5 = TV.Load(acc + 80), a6 = TV.Load(acc + 96), a7 = TV.Load(acc + 112), a8 = TV.Load(acc + 128);
        TV b0 = TV.Zero, b1 = TV.Zero, b2 = TV.Zero, b3 = TV.Zero, b4 = TV.Zero, b5 = TV.Zero, b6 = TV.Zero, b7 = TV.Zero, b8 = TV.Zero;
        if (two)
        {
            b0 = TV.Load(bacc); b1 = TV.Load(bacc + 16); b2 = TV.Load(bacc + 32); b3 = TV.Load(bacc + 48); b4 = TV.Load(bacc + 64);
            b5 = TV.Load(bacc + 80); b6 = TV.Load(bacc + 96); b7 = TV.Load(bacc + 112); b8 = TV.Load(bacc + 128);
        }
        for (int y = 0; y < rows; y++, input += inRow, dy += dyRow)
        {
            float* p = input, g = dy;
            for (int x = 0; x < width; x++, p += step, g += 16)
            {
                TV g0 = TV.Load(g), g1 = two ? TV.Load(g + dyPlane) : TV.Zero;
                float* p1 = p + r, p2 = p + r2;
                TV v = TV.Broadcast(p[0]); a0 = TV.MultiplyAdd(v, g0, a0); if (two) b0 = TV.MultiplyAdd(v, g1, b0);
                v = TV.Broadcast(p[q]); a1 = TV.MultiplyAdd(v, g0, a1); if (two) b1 = TV.MultiplyAdd(v, g1, b1);
                v = TV.Broadcast(p[q2]); a2 = TV.MultiplyAdd(v, g0, a2); if (two) b2 = TV.MultiplyAdd(v, g1, b2);
                v = TV.Broadcast(p1[0]); a3 = TV.MultiplyAdd(v, g0, a3); if (two) b3 = TV.MultiplyAdd(v, g1, b3);
                v = TV.Broadcast(p1[q]); a4 = TV.MultiplyAdd(v, g0, a4); if (two) b4 = TV.MultiplyAdd(v, g1, b4);
                v = TV.Broadcast(p1[q2]); a5 = TV.MultiplyAdd(v, g0, a5); if (two) b5 = TV.MultiplyAdd(v, g1, b5);
                v = TV.Broadcast(p2[0]); a6 = TV.MultiplyAdd(v, g0, a6); if (two) b6 = TV.MultiplyAdd(v, g1, b6);
                v = TV.Broadcast(p2[q]); a7 = TV.MultiplyAdd(v, g0, a7); if (two) b7 = TV.MultiplyAdd(v, g1, b7);
                v = TV.Broadcast(p2[q2]); a8 = TV.MultiplyAdd(v, g0, a8); if (two) b8 = TV.MultiplyAdd(v, g1, b8);
            }
        }
        TV.Store(acc, a0); TV.Store(acc + 16, a1); TV.Store(acc + 32, a2); TV.Store(acc + 48, a3); TV.Store(acc + 64, a4);
        TV.Store(acc + 80, a5); TV.Store(acc + 96, a6); TV.Store(acc + 112, a7); TV.Store(acc + 128, a8);
        if (two)
        {
            TV.Store(bacc, b0); TV.Store(bacc + 16, b1); TV.Store(bacc + 32, b2); TV.Store(bacc + 48, b3); TV.Store(bacc + 64, b4);
            TV.Store(bacc + 80, b5); TV.Store(bacc + 96, b6); TV.Store(bacc + 112, b7); TV.Store(bacc + 128, b8);
        }
    }
}
