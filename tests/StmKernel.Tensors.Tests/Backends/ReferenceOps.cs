namespace StmKernel.Tensors.Tests.Backends;

/// <summary>
/// The naive double-precision ops the backend op tests need beyond <see cref="Backward.DoubleOps"/> (convolution,
/// group norm, attention, SiLU live there): plain row-major loops written from the op definitions in
/// <see cref="Graph.OpKind"/>, sharing nothing with the kernels.
/// </summary>
internal static class ReferenceOps
{
    /// <summary>y[b, o] = bias[o] + Σ_i W[o, i]·x[b, i] (PyTorch's [out, in] weight).</summary>
    public static double[] Linear(double[] x, double[] w, double[] b, int n, int fin, int fout)
    {
        var y = new double[n * fout];
        for (int s = 0; s < n; s++)
            for (int o = 0; o < fout; o++)
            {
                double acc = b[o];
                for (int i = 0; i < fin; i++) acc += w[o * fin + i] * x[s * fin + i];
                y[s * fout + o] = acc;
            }
        return y;
    }

    public static double[] Silu(double[] x) => Array.ConvertAll(x, Backward.DoubleOps.Silu);

    /// <summary>
    /// diffusers' get_timestep_embedding: half = dim/2, f_i = exp(−ln(10000)·i/(half − shift)), [sin(t·f), cos(t·f)]
    /// or [cos, sin] with flip. diffusers (torch) computes the exponent and the frequency in float32, so the
    /// reference rounds f to float as the definition does; the argument and the sines are then taken in double.
    /// </summary>
    public static double[] TimestepEmbedding(double[] t, int dim, bool flip, double shift)
    {
        int half = dim / 2;
        var y = new double[t.Length * dim];
        for (int b = 0; b < t.Length; b++)
            for (int i = 0; i < half; i++)
            {
                float exponent = (float)(-Math.Log(10000) * i / (half - shift));
                double f = (float)Math.Exp(exponent);
                double arg = t[b] * f;
                double s = Math.Sin(arg), c = Math.Cos(arg);
                y[b * dim + i] = flip ? c : s;
                y[b * dim + half + i] = flip ? s : c;
            }
        return y;
    }

    /// <summary>Nearest ×2: out[n, c, y, x] = in[n, c, y/2, x/2].</summary>
    public static double[] Upsample2x(double[] x, int n, int c, int h, int w)
    {
        var y = new double[x.Length * 4];
        for (int p = 0; p < n * c; p++)
            for (int oy = 0; oy < 2 * h; oy++)
                for (int ox = 0; ox < 2 * w; ox++)
                    y[(p * 2 * h + oy) * 2 * w + ox] = x[(p * h + oy / 2) * w + ox / 2];
        return y;
    }

    /// <summary>cat([a, b], dim = 1) of [N, Ca, H, W] and [N, Cb, H, W].</summary>
    public static double[] Concat(double[] a, double[] b, int n, int ca, int cb, int hw)
    {
        var y = new double[a.Length + b.Length];
        for (int s = 0; s < n; s++)
        {
            Array.Copy(a, s * ca * hw, y, s * (ca + cb) * hw, ca * hw);
            Array.Copy(b, s * cb * hw, y, (s * (ca + cb) + ca) * hw, cb * hw);
        }
        return y;
    }

    /// <summary>y[n, c, ·] += bias[n, c] in place (a convolution's per-sample bias); returns y.</summary>
    public static double[] AddSampleBias(double[] y, double[] bias, int n, int c, int hw)
    {
        for (int s = 0; s < n; s++)
            for (int ch = 0; ch < c; ch++)
                for (int p = 0; p < hw; p++) y[(s * c + ch) * hw + p] += bias[s * c + ch];
        return y;
    }

    /// <summary>y += r in place (a convolution's residual); returns y.</summary>
    public static double[] Add(double[] y, double[] r)
    {
        for (int i = 0; i < y.Length; i++) y[i] += r[i];
        return y;
    }
}
