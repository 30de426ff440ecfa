using System.Numerics.Tensors;
using StmKernel.Tensors.Threading;

namespace StmKernel.Tensors.Kernels.Backward;

/// <summary>
/// Backward of <see cref="SelfAttention"/>. Per head, with P = softmax(Q Kᵀ·s) (s = 1/√d) and O = P V:
/// <c>dV = Pᵀ dO</c>, <c>dP = dO Vᵀ</c>, <c>dS = P ⊙ (dP − rowsum(dP ⊙ P))</c>, <c>dQ = s·dS K</c>, <c>dK = s·dSᵀ Q</c>.
/// </summary>
/// <remarks>
/// One task per (sample, head), as the forward. P is recomputed one query row at a time (never
/// stored: T² floats per head would dominate memory), so the cost is the forward's twice over.
/// Every product runs as a T-long vector loop over [d][T] panels (TensorPrimitives). dQ, dK and dV
/// are overwritten. The panels are per-thread scratch, reused across runs.
/// </remarks>
public sealed unsafe class SelfAttentionBackward : ParallelJob
{
    private readonly BlockedTensor _q, _k, _v, _dO, _dq, _dk, _dv;
    private readonly int _d, _heads, _tokens;

    [ThreadStatic] private static float[]? t_scratch;

    /// <summary>Plans the backward for the forward's q, k, v and the output gradient.</summary>
    public SelfAttentionBackward(BlockedTensor q, BlockedTensor k, BlockedTensor v, BlockedTensor gradOutput,
        BlockedTensor gradQ, BlockedTensor gradK, BlockedTensor gradV, int headDim)
    {
        if (headDim <= 0 || q.C % headDim != 0) throw new ArgumentException($"head dim {headDim} does not divide {q.C} channels");
        foreach (var t in new[] { k, v, gradOutput, gradQ, gradK, gradV })
            if (!t.HasShape(q.N, q.C, q.H, q.W)) throw new ArgumentException("attention backward operands differ in shape");
        _q = q; _k = k; _v = v; _dO = gradOutput; _dq = gradQ; _dk = gradK; _dv = gradV; _d = headDim;
        _heads = q.C / headDim;
        _tokens = q.H * q.W;
    }

    /// <summary>Multiply-adds ×2 of one run (recomputed scores, dV, dP, dQ, dK).</summary>
    public double Flops => 10.0 * _q.N * _heads * _tokens * (double)_tokens * _d;

    /// <summary>Runs on <paramref name="pool"/>.</summary>
    public void Run(WorkerPool pool) => pool.Run(this, _q.N * _heads);

    /// <inheritdoc />
    public override void Execute(int task)
    {
        int n = task / _heads, h = task % _heads, d = _d, T = _tokens, w = _q.W;
        int need = 6 * d * T + 2 * T;
        if (t_scratch is null || t_scratch.Length < need) t_scratch = new float[need];
        var all = t_scratch.AsSpan(0, need);
        Span<float> qt = all[..(d * T)], kt = all.Slice(d * T, d * T), vt = all.Slice(2 * d * T, d * T), ot = all.Slice(3 * d * T, d * T);
        Span<float> dkt = all.Slice(4 * d * T, d * T), dvt = all.Slice(5 * d * T, d * T);
        Span<float> p = all.Slice(6 * d * T, T), dp = all.Slice(6 * d * T + T, T);
        for (int c = 0; c < d; c++)
        {
            int ch = h * d + c;
            Gather(_q, n, ch, qt.Slice(c * T, T));
            Gather(_k, n, ch, kt.Slice(c * T, T));
            Gather(_v, n, ch, vt.Slice(c * T, T));
            Gather(_dO, n, ch, ot.Slice(c * T, T));
        }
        dkt.Clear(); dvt.Clear();
        float scale = 1f / MathF.Sqrt(d);
        for (int i = 0; i < T; i++)
        {
            p.Clear(); dp.Clear();
            for (int c = 0; c < d; c++)
            {
                TensorPrimitives.MultiplyAdd(kt.Slice(c * T, T), qt[c * T + i] * scale, p, p);
                TensorPrimitives.MultiplyAdd(vt.Slice(c * T, T), ot[c * T + i], dp, dp);
            }
            float max = TensorPrimitives.Max(p);
            TensorPrimitives.Subtract(p, max, p);
            TensorPrimitives.Exp(p, p);
            TensorPrimitives.Multiply(p, 1f / TensorPrimitives.Sum(p), p);
            // dV += p ⊗ dO_i before p is reused; then dS = p ⊙ (dP − p·dP) in dp.
            for (int c = 0; c < d; c++)
            {
                var dv = dvt.Slice(c * T, T);
                TensorPrimitives.MultiplyAdd(p, ot[c * T + i], dv, dv);
            }
            float rowDot = TensorPrimitives.Dot(p, dp);
            TensorPrimitives.Subtract(dp, rowDot, dp);
            TensorPrimitives.Multiply(p, dp, dp);
            int y = i / w, x = i % w;
            for (int c = 0; c < d; c++)
            {
                int ch = h * d + c;
                _dq.At(n, ch / 16, y, x)[ch % 16] = scale * TensorPrimitives.Dot(dp, kt.Slice(c * T, T));
                var dk = dkt.Slice(c * T, T);
                TensorPrimitives.MultiplyAdd(dp, scale * qt[c * T + i], dk, dk);
            }
        }
        for (int c = 0; c < d; c++)
        {
            int ch = h * d + c;
            Scatter(dkt.Slice(c * T, T), _dk, n, ch);
            Scatter(dvt.Slice(c * T, T), _dv, n, ch);
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

    private static void Scatter(ReadOnlySpan<float> src, BlockedTensor t, int n, int ch)
    {
        int i = 0;
        for (int y = 0; y < t.H; y++)
        {
            float* p = t.At(n, ch / 16, y, 0) + ch % 16;
            for (int x = 0; x < t.W; x++) p[x * 16] = src[i++];
        }
    }
}
