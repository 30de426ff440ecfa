using System.Numerics.Tensors;
using StmKernel.Tensors.Threading;

namespace StmKernel.Tensors.Kernels;

/// <summary>
/// Multi-head scaled dot-product self-attention over the pixels of an image, the core of diffusers'
/// <c>Attention</c> block: for each head h of d channels,
/// <c>out_h = softmax(Q_h K_hᵀ / √d) V_h</c> with tokens = the H·W pixels.
/// </summary>
/// <remarks>
/// Shapes: q, k, v [N, C, H, W] (already projected) → out [N, C, H, W], heads = C / d.
/// One task per (sample, head): the head's K and V are gathered once into [d][T] panels so that
/// both Q·Kᵀ and P·V run as long vector loops over the T keys (TensorPrimitives picks the SIMD
/// width); each query row needs one T-long score buffer. Memory is planned up front per task.
/// </remarks>
public sealed unsafe class SelfAttention : ParallelJob
{
    private readonly BlockedTensor _q, _k, _v, _out;
    private readonly int _d, _heads, _tokens;
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
        int tasks = q.N * _heads;
        _kt = new float[tasks][]; _vt = new float[tasks][]; _scores = new float[tasks][];
        for (int i = 0; i < tasks; i++)
        {
            _kt[i] = new float[_d * _tokens];
            _vt[i] = new float[_d * _tokens];
            _scores[i] = new float[_tokens];
        }
    }

    /// <summary>Multiply-adds ×2 (QKᵀ and PV) of one run.</summary>
    public double Flops => 4.0 * _q.N * _heads * _tokens * (double)_tokens * _d;

    /// <summary>Runs on <paramref name="pool"/>.</summary>
    public void Run(WorkerPool pool) => pool.Run(this, _q.N * _heads);

    /// <inheritdoc />
    public override void Execute(int task)
    {
        int n = task / _heads, h = task % _heads, d = _d, T = _tokens, w = _q.W;
        float[] kt = _kt[task], vt = _vt[task], s = _scores[task];
        for (int c = 0; c < d; c++)
        {
            int ch = h * d + c;
            Gather(_k, n, ch, kt.AsSpan(c * T, T));
            Gather(_v, n, ch, vt.AsSpan(c * T, T));
        }
        float scale = 1f / MathF.Sqrt(d);
        for (int i = 0; i < T; i++)
        {
            int y = i / w, x = i % w;
            s.AsSpan().Clear();
            for (int c = 0; c < d; c++)
            {
                int ch = h * d + c;
                float qv = _q.At(n, ch / 16, y, x)[ch % 16] * scale;
                TensorPrimitives.MultiplyAdd(kt.AsSpan(c * T, T), qv, s, s);
            }
            float max = TensorPrimitives.Max(s);
            TensorPrimitives.Subtract(s, max, s);
            TensorPrimitives.Exp(s, s);
            float inv = 1f / TensorPrimitives.Sum(s);
            for (int c = 0; c < d; c++)
            {
                int ch = h * d + c;
                _out.At(n, ch / 16, y, x)[ch % 16] = TensorPrimitives.Dot(s, vt.AsSpan(c * T, T)) * inv;
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
