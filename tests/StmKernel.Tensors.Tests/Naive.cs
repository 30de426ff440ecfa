namespace StmKernel.Tensors.Tests;

/// <summary>Naive reference loops (plain NCHW, double accumulation): the oracle every kernel is tested against.</summary>
internal static class Naive
{
    public static float[] Random(int n, int seed, float scale = 1f)
    {
        var r = new Random(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(r.NextDouble() * 2 - 1) * scale;
        return a;
    }

    public static Tensor RandomTensor(int seed, params int[] shape)
    {
        var t = new Tensor(shape);
        Random(t.Length, seed).CopyTo(t.Data, 0);
        return t;
    }

    /// <summary>out[n,co,y,x] = b[co] + Σ w[co,ci,ky,kx]·in[n,ci,y·s+ky−p,x·s+kx−p], zero padding p = k/2.</summary>
    public static Tensor Conv2d(Tensor x, float[] w, float[] b, int cout, int k, int stride)
    {
        int n = x.Dim(0), cin = x.Dim(1), h = x.Dim(2), wd = x.Dim(3), p = k / 2;
        int ho = (h + 2 * p - k) / stride + 1, wo = (wd + 2 * p - k) / stride + 1;
        var o = new Tensor(n, cout, ho, wo);
        for (int s = 0; s < n; s++)
            for (int co = 0; co < cout; co++)
                for (int y = 0; y < ho; y++)
                    for (int xx = 0; xx < wo; xx++)
                    {
                        double acc = b[co];
                        for (int ci = 0; ci < cin; ci++)
                            for (int ky = 0; ky < k; ky++)
                                for (int kx = 0; kx < k; kx++)
                                {
                                    int iy = y * stride + ky - p, ix = xx * stride + kx - p;
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                                    acc += (double)w[((co * cin + ci) * k + ky) * k + kx] * x[s, ci, iy, ix];
                                }
                        o[s, co, y, xx] = (float)acc;
                    }
        return o;
    }

    /// <summary>PyTorch GroupNorm with affine, optionally followed by SiLU.</summary>
    public static Tensor GroupNorm(Tensor x, int groups, float[] gamma, float[] beta, float eps, bool silu)
    {
        int n = x.Dim(0), c = x.Dim(1), hw = x.Dim(2) * x.Dim(3), cpg = c / groups;
        var o = new Tensor(x.Shape);
        for (int s = 0; s < n; s++)
            for (int g = 0; g < groups; g++)
            {
                double sum = 0, sq = 0;
                int start = (s * c + g * cpg) * hw, count = cpg * hw;
                for (int i = 0; i < count; i++) sum += x.Data[start + i];
                double mean = sum / count;
                for (int i = 0; i < count; i++) { double d = x.Data[start + i] - mean; sq += d * d; }
                double inv = 1.0 / Math.Sqrt(sq / count + eps);
                for (int i = 0; i < count; i++)
                {
                    int ch = g * cpg + i / hw;
                    double v = (x.Data[start + i] - mean) * inv * gamma[ch] + beta[ch];
                    if (silu) v = Silu(v);
                    o.Data[start + i] = (float)v;
                }
            }
        return o;
    }

    public static double Silu(double v) => v / (1 + Math.Exp(-v));

    public static void AssertClose(Tensor expected, Tensor actual, double relTol, string what)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        double maxRef = 0, maxErr = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            maxRef = Math.Max(maxRef, Math.Abs(expected.Data[i]));
            maxErr = Math.Max(maxErr, Math.Abs(expected.Data[i] - actual.Data[i]));
        }
        Assert.True(maxErr <= relTol * Math.Max(maxRef, 1e-6), $"{what}: max |err| {maxErr:G4} > {relTol:G2} × max|ref| {maxRef:G4}");
    }
}
