using StmKernel.Tensors.Threading;

namespace StmKernel.Tensors.Kernels;

/// <summary>
/// Multi-head scaled dot-product self-attention over the pixels of an image, the core of diffusers'
/// <c>Attention</c> block: for each head h of d channels,
/// <c>out_h = softmax(Q_h K_hᵀ / √d) V_h</c> with tokens = the H·W pixels.
/// </summary>
/// <remarks>
/// Shapes: q, k, v [N, C, H, W] (already projected) → out [N, C, H, W], heads = C / d.
/// One task per (sample, head). The head's K and V are gathered once into [d][T′] panels
/// (T′ = T rounded up to 16, zero padded) so that each query runs two vector sweeps over the keys:
/// scores s = Σ_c q_c·K[c] (d FMAs per 16 keys) with a running max, then p = e^(s − max) fused with
/// the running sum and the d accumulations Σ p·V[c]. Padding keys get score −∞, so p = 0 there.
/// </remarks>
public sealed unsafe class SelfAttention : ParallelJob
{
    private readonly BlockedTensor _q, _k, _v, _out;
    private readonly int _d, _heads, _tokens, _padded;
    private readonly float[][] _kt, _vt, _scores;

    /// <summary>Plans attention between fixed buffers.</summary>
    public SelfAttention(BlockedTensor q, BlockedTensor k, BlockedTensor v, BlockedTensor output, int headDim)
    {
        if (headDim <= 0 || q.C % headDim != 0) throw new ArgumentException($"head dim {headDim} does not divide {q.C} channels");
        foreach (var t in new[] { k, v, output })
            if (!t.HasShape(q.N, q.C, q.H, q.W)) throw new ArgumentException("attention operands differ in shape");
        _q = q; _k = k; _v = v; _out = output; _d = headDim;
        _heads = q.C / headDim;
        _tokens = q.H * q.W;
        _padded = (_tokens + 15) / 16 * 16;
        int tasks = q.N * _heads;
        _kt = new float[tasks][]; _vt = new float[tasks][]; _scores = new float[tasks][];
        for (int i = 0; i < tasks; i++)
        {
            _kt[i] = GC.AllocateArray<float>(_d * _padded, pinned: true);
            _vt[i] = GC.AllocateArray<float>(_d * _padded, pinned: true);
            _scores[i] = GC.AllocateArray<float>(_padded, pinned: true);
        }
    }

    /// <summary>Multiply-adds ×2 (QKᵀ and PV) of one run.</summary>
    public double Flops => 4.0 * _q.N * _heads * _tokens * (double)_tokens * _d;

    /// <summary>Runs on <paramref name="pool"/>.</summary>
    public void Run(WorkerPool pool) => pool.Run(this, _q.N * _heads);

    /// <inheritdoc />
    public override void Execute(int task) => SimdSupport.Run(new Body(this, task));

    private readonly struct Body(SelfAttention job, int task) : ISimdKernel
    {
        public void Run<TV>() where TV : unmanaged, ISimd16<TV> => job.Head<TV>(task);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void Head<TV>(int task) where TV : unmanaged, ISimd16<TV>
    {
        int n = task / _heads, h = task % _heads, d = _d, T = _tokens, tp = _padded, w = _q.W;
        for (int c = 0; c < d; c++)
        {
            Gather(_k, n, h * d + c, _kt[task].AsSpan(c * tp, T));
            Gather(_v, n, h * d + c, _vt[task].AsSpan(c * tp, T));
        }
        float scale = 1f / MathF.Sqrt(d);
        float* q = stackalloc float[d];
        TV* acc = stackalloc TV[d];
        fixed (float* kt = _kt[task], vt = _vt[task], s = _scores[task])
        {
            for (int i = 0; i < T; i++)
            {
                int y = i / w, x = i % w;
                for (int c = 0; c < d; c++)
                {
                    int ch = h * d + c;
                    q[c] = _q.At(n, ch / 16, y, x)[ch % 16] * scale;
                }

                TV maxv = TV.Broadcast(float.NegativeInfinity);
                for (int j = 0; j < tp; j += 16)
                {
                    TV sc = TV.Zero;
                    for (int c = 0; c < d; c++) sc = TV.MultiplyAdd(TV.Broadcast(q[c]), TV.Load(kt + c * tp + j), sc);
                    TV.Store(s + j, sc);
                    if (j + 16 > T)
                    {
                        for (int jj = T; jj < tp; jj++) s[jj] = float.NegativeInfinity;
                        sc = TV.Load(s + j);
                    }
                    maxv = TV.Max(maxv, sc);
                }
                float max = float.NegativeInfinity;
                for (int l = 0; l < 16; l++) max = MathF.Max(max, TV.GetLane(maxv, l));

                TV mv = TV.Broadcast(max), sum = TV.Zero;
                for (int c = 0; c < d; c++) acc[c] = TV.Zero;
                for (int j = 0; j < tp; j += 16)
                {
                    TV p = TV.Exp(TV.Subtract(TV.Load(s + j), mv));
                    sum = TV.Add(sum, p);
                    for (int c = 0; c < d; c++) acc[c] = TV.MultiplyAdd(p, TV.Load(vt + c * tp + j), acc[c]);
                }
                float inv = 1f / TV.Sum(sum);
                for (int c = 0; c < d; c++)
                {
                    int ch = h * d + c;
                    _out.At(n, ch / 16, y, x)[ch % 16] = TV.Sum(acc[c]) * inv;
                }
            }
        }
    }

    private static void Gather(BlockedTensor t, int n, int ch, Span<float> dst)
    {
        int i = 0;
        for (int y = 0; y < t.H; y++)
        {
            float* p = t.At(n, ch / 16, y, 0) + ch % 16;
            for (int x = 0; x < t.W; x++) dst[i++] = p[x * 16];
        }
    }
}
