using ILGPU;

namespace StmKernel.Gpu.Kernels;

/// <summary>
/// Direct convolution on NCHW row-major maps with PyTorch's [Cout, Cin, K, K] weights (a 1×1 layer's [Cout, Cin]
/// is the same layout), padding K/2: the forward with its fused epilogue, the input gradient (one thread per
/// input element, gathering the outputs it reached) and the weight gradient (one group per weight, reducing over
/// the batch and the output pixels).
/// </summary>
internal static class ConvKernels
{
    /// <summary>y = conv(x, w) + bias [+ sampleBias[n, co]] [+ residual]; index over y.</summary>
    public static void Forward(Index1D i, ConvShape s, ArrayView<float> x, ArrayView<float> w, ArrayView<float> bias,
        ArrayView<float> sampleBias, ArrayView<float> residual, ArrayView<float> y)
    {
        int ox = i % s.Wo, t = i / s.Wo, oy = t % s.Ho;
        t /= s.Ho;
        int co = t % s.Cout, n = t / s.Cout, pad = s.K / 2;
        int y0 = oy * s.Stride - pad, x0 = ox * s.Stride - pad;
        float acc = 0;
        for (int ci = 0; ci < s.Cin; ci++)
        {
            long plane = ((long)n * s.Cin + ci) * s.H, weights = ((long)co * s.Cin + ci) * s.K * s.K;
            for (int ky = 0; ky < s.K; ky++)
            {
                int iy = y0 + ky;
                if (iy < 0 || iy >= s.H) continue;
                for (int kx = 0; kx < s.K; kx++)
                {
                    int ix = x0 + kx;
                    if (ix >= 0 && ix < s.W) acc += w[weights + ky * s.K + kx] * x[(plane + iy) * s.W + ix];
                }
            }
        }
        acc += bias[co];
        if (s.HasSampleBias != 0) acc += sampleBias[n * s.Cout + co];
        if (s.HasResidual != 0) acc += residual[i];
        y[i] = acc;
    }

    /// <summary>dx[n, ci, iy, ix] += Σ_{co, ky, kx} dy[n, co, oy, ox]·w[co, ci, ky, kx] where oy·stride + ky − pad = iy; index over dx.</summary>
    public static void GradInput(Index1D i, ConvShape s, ArrayView<float> dy, ArrayView<float> w, ArrayView<float> dx)
    {
        int ix = i % s.W, t = i / s.W, iy = t % s.H;
        t /= s.H;
        int ci = t % s.Cin, n = t / s.Cin, pad = s.K / 2;
        float acc = 0;
        for (int ky = 0; ky < s.K; ky++)
        {
            int ry = iy + pad - ky;
            if (ry < 0 || ry % s.Stride != 0) continue;
            int oy = ry / s.Stride;
            if (oy >= s.Ho) continue;
            for (int kx = 0; kx < s.K; kx++)
            {
                int rx = ix + pad - kx;
                if (rx < 0 || rx % s.Stride != 0) continue;
                int ox = rx / s.Stride;
                if (ox >= s.Wo) continue;
                for (int co = 0; co < s.Cout; co++)
                    acc += dy[(((long)n * s.Cout + co) * s.Ho + oy) * s.Wo + ox] * w[(((long)co * s.Cin + ci) * s.K + ky) * s.K + kx];
            }
        }
        dx[i] += acc;
    }

    /// <summary>dw[co, ci, ky, kx] += Σ_{n, oy, ox} dy[n, co, oy, ox]·x[n, ci, oy·stride + ky − pad, ox·stride + kx − pad]; one group per weight.</summary>
    public static void GradWeight(ConvShape s, ArrayView<float> x, ArrayView<float> dy, ArrayView<float> dw)
    {
        int e = Grid.IdxX;
        int kx = e % s.K, t = e / s.K, ky = t % s.K;
        t /= s.K;
        int ci = t % s.Cin, co = t / s.Cin, pad = s.K / 2;
        int outputs = s.Ho * s.Wo, total = s.N * outputs;
        float acc = 0;
        for (int j = Group.IdxX; j < total; j += Group.DimX)
        {
            int p = j % outputs, n = j / outputs, oy = p / s.Wo, ox = p % s.Wo;
            int iy = oy * s.Stride + ky - pad, ix = ox * s.Stride + kx - pad;
            if (iy >= 0 && iy < s.H && ix >= 0 && ix < s.W)
                acc += dy[((long)n * s.Cout + co) * outputs + p] * x[(((long)n * s.Cin + ci) * s.H + iy) * s.W + ix];
        }
        float sum = GroupReduce.Sum(acc);
        if (Group.IdxX == 0) dw[e] += sum;
    }
}
