using System.Runtime.CompilerServices;

namespace StmKernel.Tensors.Kernels;

/// <summary>
/// The convolution register tile shared by <see cref="Conv2d"/> (direct K×K) and
/// <see cref="WinogradConv3x3"/> (its per-position products are 1×1 convolutions over tiles):
/// TCo (1–2) output-channel blocks × TR (1, 6 or 8) output pixels, accumulated over Cin input
/// channels × K×K taps, then bias (+ per-sample bias) (+ residual) and store.
/// Per (input channel, tap) of the 2 × 8 tile: 2 weight loads, 8 broadcasts, 16 FMAs; <see cref="Row{TV, TK, TS, TCo}"/>
/// picks the tile by the vector type's register file.
/// </summary>
internal static unsafe class ConvTile
{
    /// <summary>
    /// The register tile: TCo (1–2) output-channel blocks × TR (1, 6 or 8) pixels. Constants are type
    /// parameters so the JIT drops the unused accumulators and folds every offset.
    /// </summary>
    /// <remarks>Static and call-free on purpose: a call while the accumulators are live makes the
    /// JIT spill them to the stack on every FMA (all vector registers are caller-saved).</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TV, TK, TS, TCo, TR>(in Geometry g, float* input, float* w, float* bias, float* sampleBias, float* output, float* residual)
        where TV : unmanaged, ISimd16<TV> where TK : struct, IConst where TS : struct, IConst
        where TCo : struct, IConst where TR : struct, IConst
    {
        const int L = 16;
        int k = TK.Value, s = TS.Value;
        int cin = g.Cin, plane = g.InPlane, row = g.InRow, wb = g.WeightBlock;
        TV a0 = TV.Zero, a1 = TV.Zero, a2 = TV.Zero, a3 = TV.Zero, a4 = TV.Zero, a5 = TV.Zero, a6 = TV.Zero, a7 = TV.Zero;
        TV b0 = TV.Zero, b1 = TV.Zero, b2 = TV.Zero, b3 = TV.Zero, b4 = TV.Zero, b5 = TV.Zero, b6 = TV.Zero, b7 = TV.Zero;
        for (int ci = 0; ci < cin; ci++)
        {
            float* ip = input + (ci >> 4) * plane + (ci & 15);
            for (int ky = 0; ky < k; ky++, ip += row)
            {
                for (int kx = 0; kx < k; kx++, w += L)
                {
                    float* p = ip + kx * L;
                    TV w0 = TV.Load(w);
                    TV w1 = TCo.Value == 2 ? TV.Load(w + wb) : TV.Zero;
                    TV v = TV.Broadcast(p[0]);
                    a0 = TV.MultiplyAdd(v, w0, a0); if (TCo.Value == 2) b0 = TV.MultiplyAdd(v, w1, b0);
                    if (TR.Value >= 6)
                    {
                        v = TV.Broadcast(p[1 * s * L]); a1 = TV.MultiplyAdd(v, w0, a1); if (TCo.Value == 2) b1 = TV.MultiplyAdd(v, w1, b1);
                        v = TV.Broadcast(p[2 * s * L]); a2 = TV.MultiplyAdd(v, w0, a2); if (TCo.Value == 2) b2 = TV.MultiplyAdd(v, w1, b2);
                        v = TV.Broadcast(p[3 * s * L]); a3 = TV.MultiplyAdd(v, w0, a3); if (TCo.Value == 2) b3 = TV.MultiplyAdd(v, w1, b3);
                        v = TV.Broadcast(p[4 * s * L]); a4 = TV.MultiplyAdd(v, w0, a4); if (TCo.Value == 2) b4 = TV.MultiplyAdd(v, w1, b4);
                        v = TV.Broadcast(p[5 * s * L]); a5 = TV.MultiplyAdd(v, w0, a5); if (TCo.Value == 2) b5 = TV.MultiplyAdd(v, w1, b5);
                    }
                    if (TR.Value == 8)
                    {
                        v = TV.Broadcast(p[6 * s * L]); a6 = TV.MultiplyAdd(v, w0, a6); if (TCo.Value == 2) b6 = TV.MultiplyAdd(v, w1, b6);
                        v = TV.Broadcast(p[7 * s * L]); a7 = TV.MultiplyAdd(v, w0, a7); if (TCo.Value == 2) b7 = TV.MultiplyAdd(v, w1, b7);
                    }
                }
            }
        }

        // Epilogue: bias (+ per-sample bias) (+ residual), then store. Output block ob+1 is one plane further.
        int outPlane = g.OutPlane;
        TV bias0 = TV.Load(bias), bias1 = TCo.Value == 2 ? TV.Load(bias + 16) : TV.Zero;
        if (sampleBias != null)
        {
            bias0 = TV.Add(bias0, TV.Load(sampleBias));
            if (TCo.Value == 2) bias1 = TV.Add(bias1, TV.Load(sampleBias + 16));
        }
        Store<TV>(output, residual, 0, a0, bias0); if (TCo.Value == 2) Store<TV>(output + outPlane, residual == null ? null : residual + outPlane, 0, b0, bias1);
        if (TR.Value >= 6)
        {
            Store<TV>(output, residual, 1, a1, bias0); if (TCo.Value == 2) Store<TV>(output + outPlane, residual == null ? null : residual + outPlane, 1, b1, bias1);
            Store<TV>(output, residual, 2, a2, bias0); if (TCo.Value == 2) Store<TV>(output + outPlane, residual == null ? null : residual + outPlane, 2, b2, bias1);
            Store<TV>(output, residual, 3, a3, bias0); if (TCo.Value == 2) Store<TV>(output + outPlane, residual == null ? null : residual + outPlane, 3, b3, bias1);
            Store<TV>(output, residual, 4, a4, bias0); if (TCo.Value == 2) Store<TV>(output + outPlane, residual == null ? null : residual + outPlane, 4, b4, bias1);
            Store<TV>(output, residual, 5, a5, bias0); if (TCo.Value == 2) Store<TV>(output + outPlane, residual == null ? null : residual + outPlane, 5, b5, bias1);
        }
        if (TR.Value == 8)
        {
            Store<TV>(output, residual, 6, a6, bias0); if (TCo.Value == 2) Store<TV>(output + outPlane, residual == null ? null : residual + outPlane, 6, b6, bias1);
            Store<TV>(output, residual, 7, a7, bias0); if (TCo.Value == 2) Store<TV>(output + outPlane, residual == null ? null : residual + outPlane, 7, b7, bias1);
        }
    }

    /// <summary>
    /// The tile over <paramref name="pixels"/> consecutive output pixels (input pixels TS apart) of TCo blocks. Where
    /// the register file holds 32 vectors of TV (<see cref="ISimd16{TSelf}.WideTile"/>: AVX-512's 32 zmm) the tile
    /// is 2 blocks × 8 pixels, 16 accumulators. Otherwise (AVX2 and SSE: 16 ymm or xmm,
    /// two or four per 16-lane vector) those 16 accumulators are 32 or 64 registers and spill on every FMA, so the
    /// blocks run one after the other as 1 × 6 tiles: 12 ymm accumulators, 2 for the weights, 1 broadcast (the shape
    /// of ONNX Runtime's AVX2 SGEMM kernel, 6 rows × 16 columns).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Row<TV, TK, TS, TCo>(in Geometry g, float* input, float* w, float* bias, float* sampleBias, float* output, float* residual, int pixels)
        where TV : unmanaged, ISimd16<TV> where TK : struct, IConst where TS : struct, IConst where TCo : struct, IConst
    {
        if (TV.WideTile)
        {
            Pixels<TV, TK, TS, TCo, C8>(g, input, w, bias, sampleBias, output, residual, pixels);
            return;
        }
        Pixels<TV, TK, TS, C1, C6>(g, input, w, bias, sampleBias, output, residual, pixels);
        if (TCo.Value == 2)
            Pixels<TV, TK, TS, C1, C6>(g, input, w + g.WeightBlock, bias + 16, sampleBias == null ? null : sampleBias + 16,
                output + g.OutPlane, residual == null ? null : residual + g.OutPlane, pixels);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pixels<TV, TK, TS, TCo, TR>(in Geometry g, float* input, float* w, float* bias, float* sampleBias, float* output, float* residual, int pixels)
        where TV : unmanaged, ISimd16<TV> where TK : struct, IConst where TS : struct, IConst
        where TCo : struct, IConst where TR : struct, IConst
    {
        int step = TS.Value * 16, x = 0;
        for (; x + TR.Value <= pixels; x += TR.Value)
            Run<TV, TK, TS, TCo, TR>(g, input + x * step, w, bias, sampleBias, output + x * 16, residual == null ? null : residual + x * 16);
        for (; x < pixels; x++)
            Run<TV, TK, TS, TCo, C1>(g, input + x * step, w, bias, sampleBias, output + x * 16, residual == null ? null : residual + x * 16);
    }

    /// <summary>Strides a tile needs, gathered once per row so the tile itself makes no calls.</summary>
    /// <param name="Cin">Input channels summed over.</param>
    /// <param name="InPlane">Floats between input channel blocks.</param>
    /// <param name="InRow">Floats between input rows (taps ky).</param>
    /// <param name="WeightBlock">Floats between the packed weights of output blocks ob and ob+1.</param>
    /// <param name="OutPlane">Floats between output channel blocks.</param>
    public readonly record struct Geometry(int Cin, int InPlane, int InRow, int WeightBlock, int OutPlane);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TV>(float* output, float* residual, int pixel, TV acc, TV bias) where TV : unmanaged, ISimd16<TV>
    {
        TV v = TV.Add(acc, bias);
        if (residual != null) v = TV.Add(v, TV.Load(residual + pixel * 16));
        TV.Store(output + pixel * 16, v);
    }
}
