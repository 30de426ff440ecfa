using System.Runtime.CompilerServices;
using StmKernel.Tensors.Threading;

namespace StmKernel.Tensors.Kernels.Backward;

/// <summary>
/// Weight gradient of a 3×3, stride-1, padding-1 convolution by Winograd F(2×2, 3×3) (H and W even):
/// with U = Bᵀ d B of each 4×4 input patch and V = A dY Aᵀ of the 2×2 output-gradient tile computed
/// from it, <c>dW = Gᵀ (Σ_tiles V ⊙ U) G</c> — 16 multiply-adds per tile and channel pair where the
/// direct <see cref="ConvGradWeights"/> does 36 (2.25× fewer). Written in PyTorch layout [Cout, Cin, 3, 3].
/// </summary>
/// <remarks>
/// Why it holds: the forward is Y = Aᵀ [(G w Gᵀ) ⊙ U] A per tile, linear in G w Gᵀ, so its gradient
/// is A dY Aᵀ ⊙ U, and w's is Gᵀ (that) G. B, G and A are Lavin's F(2×2, 3×3) triple, as in
/// <see cref="WinogradF2"/>, whose input transform this reuses.
/// One task = one input channel block (16 ci) × up to four output channel blocks (64 co). It owns
/// M[ξ][co][ci] for its channels (ξ: the 16 transform positions): no cross-thread reduction, so the
/// result does not depend on the thread count. Tiles go in chunks of <see cref="Chunk"/>: the task
/// transforms its input block (U) and its output-gradient blocks (V: redone for every input block, a few
/// adds beside the 256 multiply-adds per tile each V feeds), then per position and output block adds
/// U ⊗ V into 16 vector accumulators (one per input channel, broadcast from U; V is the 16-co vector).
/// Scratch (U, V and M panels, ≈ 230 KB) is per thread and stays in L2.
/// </remarks>
public sealed unsafe class WinogradGradWeights : ParallelJob
{
    private const int Chunk = 32;
    private const int Positions = 16;
    // Floats between two positions' panels: one vector more than a chunk, so the 16 panels (and the U and
    // V panels) do not sit at multiples of 4 KB from each other, where stores and loads alias.
    private const int PositionStride = Chunk * 16 + 16;
    private const int BlocksPerTask = 4;
    private readonly BlockedTensor _in, _dy;
    private readonly float[] _dw;
    private readonly int _groups, _tilesPerRow, _tilesPerSample, _tiles;

    [ThreadStatic] private static float[]? t_scratch;

    /// <summary>Plans dW for input <paramref name="input"/> [N, Cin, H, W] and output gradient
    /// <paramref name="gradOutput"/> [N, Cout, H, W], into <paramref name="gradWeight"/> [Cout·Cin·9] (overwritten each run).</summary>
    public WinogradGradWeights(BlockedTensor input, BlockedTensor gradOutput, float[] gradWeight)
    {
        if (input.H % 2 != 0 || input.W % 2 != 0) throw new ArgumentException($"Winograd weight gradient needs even H and W, got {input.H}×{input.W} (use ConvGradWeights)");
        if (gradOutput.N != input.N || gradOutput.H != input.H || gradOutput.W != input.W)
            throw new ArgumentException($"conv output gradient is [{gradOutput.N}, {gradOutput.C}, {gradOutput.H}, {gradOutput.W}], expected spatial {input.H}×{input.W}");
        if (gradWeight.Length != gradOutput.C * input.C * 9) throw new ArgumentException("conv weight gradient has the wrong length");
        _in = input; _dy = gradOutput; _dw = gradWeight;
        _groups = (gradOutput.Cb + BlocksPerTask - 1) / BlocksPerTask;
        _tilesPerRow = input.W / 2;
        _tilesPerSample = _tilesPerRow * (input.H / 2);
        _tiles = input.N * _tilesPerSample;
    }

    /// <summary>
    /// Below this input channel count the direct kernel is as fast: this one computes whole 16-channel
    /// blocks (a 2-channel input wastes 14 lanes) and its transforms are a fixed cost per tile.
    /// Measured 1.05–1.2× over the direct kernel alone from 32 input channels up, ≈ 4 % of a training step
    /// (docs/performance.md).
    /// </summary>
    public const int MinInputChannels = 32;

    /// <summary>True when this kernel is the one to use: a 3×3 stride-1 conv with at least
    /// <see cref="MinInputChannels"/> input channels on an even-sized input.</summary>
    public static bool Suits(int cin, int k, int stride, int h, int w) =>
        cin >= MinInputChannels && k == 3 && stride == 1 && h % 2 == 0 && w % 2 == 0;

    /// <summary>Runs on <paramref name="pool"/>.</summary>
    public void Run(WorkerPool pool) => pool.Run(this, _in.Cb * _groups);

    /// <summary>Multiply-adds ×2 of the equivalent direct computation (for GFLOP/s reports).</summary>
    public double Flops => 2.0 * _dy.N * _dy.H * _dy.W * _dy.C * _in.C * 9;

    /// <inheritdoc />
    public override void Execute(int task) => SimdSupport.Run(new Body(this, task));

    private readonly struct Body(WinogradGradWeights job, int task) : ISimdKernel
    {
        public void Run<TV>() where TV : unmanaged, ISimd16<TV> => job.Task<TV>(task);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Task<TV>(int task) where TV : unmanaged, ISimd16<TV>
    {
        int cbIn = task / _groups, firstOut = task % _groups * BlocksPerTask;
        int blocks = Math.Min(BlocksPerTask, _dy.Cb - firstOut);
        const int panel = Positions * PositionStride + 16; // one U or V panel: [ξ][tile][16]
        int need = panel * (1 + blocks) + Positions * blocks * 256;
        if (t_scratch is null || t_scratch.Length < need) t_scratch = GC.AllocateArray<float>(need, pinned: true);
        float* u = (float*)Unsafe.AsPointer(ref t_scratch[0]);
        float* v = u + panel;
        float* m = v + blocks * panel; // [ξ][block][ci 16][co 16]
        new Span<float>(m, Positions * blocks * 256).Clear();

        int inRow = _in.Wp * 16;
        for (int t0 = 0; t0 < _tiles; t0 += Chunk)
        {
            int count = Math.Min(Chunk, _tiles - t0);
            for (int k = 0; k < count; k++)
            {
                int t = t0 + k, n = t / _tilesPerSample, ty = t % _tilesPerSample / _tilesPerRow, tx = t % _tilesPerRow;
                WinogradF2.Input<TV>(_in.At(n, cbIn, 2 * ty - 1, 2 * tx - 1), inRow, u + k * 16, PositionStride);
                for (int b = 0; b < blocks; b++)
                    OutputGradient<TV>(_dy.At(n, firstOut + b, 2 * ty, 2 * tx), _dy.Wp * 16, v + b * panel + k * 16, PositionStride);
            }
            for (int pos = 0; pos < Positions; pos++)
                for (int b = 0; b < blocks; b++)
                    Accumulate<TV>(u + pos * PositionStride, v + b * panel + pos * PositionStride, count, m + (pos * blocks + b) * 256);
        }
        Finish(m, blocks, cbIn, firstOut);
    }

    /// <summary>V = A dY Aᵀ of one 2×2 tile of 16-channel vectors, A = [[1,0],[1,1],[1,−1],[0,−1]], to v + ξ·posStride.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OutputGradient<TV>(float* dy, int row, float* v, int posStride) where TV : unmanaged, ISimd16<TV>
    {
        TV a = TV.Load(dy), b = TV.Load(dy + 16), c = TV.Load(dy + row), e = TV.Load(dy + row + 16);
        Row(v, posStride, 0, a, b);
        Row(v, posStride, 4, TV.Add(a, c), TV.Add(b, e));
        Row(v, posStride, 8, TV.Subtract(a, c), TV.Subtract(b, e));
        Row(v, posStride, 12, TV.Subtract(TV.Zero, c), TV.Subtract(TV.Zero, e));

        // One row [p, q] of A dY times Aᵀ: [p, p + q, p − q, −q].
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Row(float* v, int posStride, int first, TV p, TV q)
        {
            TV.Store(v + first * posStride, p);
            TV.Store(v + (first + 1) * posStride, TV.Add(p, q));
            TV.Store(v + (first + 2) * posStride, TV.Subtract(p, q));
            TV.Store(v + (first + 3) * posStride, TV.Subtract(TV.Zero, q));
        }
    }

    /// <summary>m[ci][co] += Σ_k u[k][ci] · v[k][co] for one position: 16 accumulators (ci) of 16-co vectors,
    /// kept in registers (a separate, call-free method: inlined into the task loop they would spill).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Accumulate<TV>(float* u, float* v, int count, float* m) where TV : unmanaged, ISimd16<TV>
    {
        TV m0 = TV.Load(m), m1 = TV.Load(m + 16), m2 = TV.Load(m + 32), m3 = TV.Load(m + 48);
        TV m4 = TV.Load(m + 64), m5 = TV.Load(m + 80), m6 = TV.Load(m + 96), m7 = TV.Load(m + 112);
        TV m8 = TV.Load(m + 128), m9 = TV.Load(m + 144), m10 = TV.Load(m + 160), m11 = TV.Load(m + 176);
        TV m12 = TV.Load(m + 192), m13 = TV.Load(m + 208), m14 = TV.Load(m + 224), m15 = TV.Load(m + 240);
        for (int k = 0; k < count; k++, u += 16, v += 16)
        {
            TV g = TV.Load(v);
            m0 = TV.MultiplyAdd(TV.Broadcast(u[0]), g, m0); m1 = TV.MultiplyAdd(TV.Broadcast(u[1]), g, m1);
            m2 = TV.MultiplyAdd(TV.Broadcast(u[2]), g, m2); m3 = TV.MultiplyAdd(TV.Broadcast(u[3]), g, m3);
            m4 = TV.MultiplyAdd(TV.Broadcast(u[4]), g, m4); m5 = TV.MultiplyAdd(TV.Broadcast(u[5]), g, m5);
            m6 = TV.MultiplyAdd(TV.Broadcast(u[6]), g, m6); m7 = TV.MultiplyAdd(TV.Broadcast(u[7]), g, m7);
            m8 = TV.MultiplyAdd(TV.Broadcast(u[8]), g, m8); m9 = TV.MultiplyAdd(TV.Broadcast(u[9]), g, m9);
            m10 = TV.MultiplyAdd(TV.Broadcast(u[10]), g, m10); m11 = TV.MultiplyAdd(TV.Broadcast(u[11]), g, m11);
            m12 = TV.MultiplyAdd(TV.Broadcast(u[12]), g, m12); m13 = TV.MultiplyAdd(TV.Broadcast(u[13]), g, m13);
            m14 = TV.MultiplyAdd(TV.Broadcast(u[14]), g, m14); m15 = TV.MultiplyAdd(TV.Broadcast(u[15]), g, m15);
        }
        TV.Store(m, m0); TV.Store(m + 16, m1); TV.Store(m + 32, m2); TV.Store(m + 48, m3);
        TV.Store(m + 64, m4); TV.Store(m + 80, m5); TV.Store(m + 96, m6); TV.Store(m + 112, m7);
        TV.Store(m + 128, m8); TV.Store(m + 144, m9); TV.Store(m + 160, m10); TV.Store(m + 176, m11);
        TV.Store(m + 192, m12); TV.Store(m + 208, m13); TV.Store(m + 224, m14); TV.Store(m + 240, m15);
    }

    /// <summary>dW[co, ci] = Gᵀ M G for the task's channels, G = [[1,0,0],[½,½,½],[½,−½,½],[0,0,1]] (in double).</summary>
    private void Finish(float* m, int blocks, int cbIn, int firstOut)
    {
        int cin = _in.C, cout = _dy.C;
        double* t = stackalloc double[12];
        for (int b = 0; b < blocks; b++)
            for (int j = 0; j < 16; j++)
            {
                int ci = cbIn * 16 + j;
                if (ci >= cin) break;
                for (int l = 0; l < 16; l++)
                {
                    int co = (firstOut + b) * 16 + l;
                    if (co >= cout) break;
                    float* p = m + b * 256 + j * 16 + l; // M[ξ] at p[ξ · blocks · 256]
                    int stride = blocks * 256;
                    for (int c = 0; c < 4; c++) // T = Gᵀ M (3 × 4), column c
                    {
                        double m0 = p[(0 + c) * stride], m1 = p[(4 + c) * stride], m2 = p[(8 + c) * stride], m3 = p[(12 + c) * stride];
                        t[c] = m0 + 0.5 * (m1 + m2);
                        t[4 + c] = 0.5 * (m1 - m2);
                        t[8 + c] = 0.5 * (m1 + m2) + m3;
                    }
                    var dw = _dw.AsSpan((co * cin + ci) * 9, 9);
                    for (int r = 0; r < 3; r++) // dW row r = T row r · G
                    {
                        double t0 = t[4 * r], t1 = t[4 * r + 1], t2 = t[4 * r + 2], t3 = t[4 * r + 3];
                        dw[3 * r] = (float)(t0 + 0.5 * (t1 + t2));
                        dw[3 * r + 1] = (float)(0.5 * (t1 - t2));
                        dw[3 * r + 2] = (float)(0.5 * (t1 + t2) + t3);
                    }
                }
            }
    }
}
