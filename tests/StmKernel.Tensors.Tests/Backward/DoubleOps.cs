namespace StmKernel.Tensors.Tests.Backward;

/// <summary>Plain NCHW forward ops in double precision: the functions the finite differences differentiate.</summary>
internal static class DoubleOps
{
    public static double[] Conv(double[] x, double[] w, double[] b, int n, int cin, int h, int wd, int cout, int k, int s)
    {
        int p = k / 2, ho = (h + 2 * p - k) / s + 1, wo = (wd + 2 * p - k) / s + 1;
        var y = new double[n * cout * ho * wo];
        for (int i = 0; i < n; i++)
            for (int co = 0; co < cout; co++)
                for (int oy = 0; oy < ho; oy++)
                    for (int ox = 0; ox < wo; ox++)
                    {
                        double acc = b[co];
                        for (int ci = 0; ci < cin; ci++)
                            for (int ky = 0; ky < k; ky++)
                                for (int kx = 0; kx < k; kx++)
                                {
                                    int iy = oy * s + ky - p, ix = ox * s + kx - p;
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                                    acc += w[((co * cin + ci) * k + ky) * k + kx] * x[((i * cin + ci) * h + iy) * wd + ix];
                                }
                        y[((i * cout + co) * ho + oy) * wo + ox] = acc;
                    }
        return y;
    }

    public static double Silu(double v) => v / (1 + Math.Exp(-v));

    public static double[] GroupNorm(double[] x, double[] gamma, double[] beta, int n, int c, int hw, int groups, double eps, bool silu)
    {
        var y = new double[x.Length];
        int cpg = c / groups, m = cpg * hw;
        for (int i = 0; i < n; i++)
            for (int g = 0; g < groups; g++)
            {
                int start = (i * c + g * cpg) * hw;
                double mean = 0, v = 0;
                for (int j = 0; j < m; j++) mean += x[start + j];
                mean /= m;
                for (int j = 0; j < m; j++) v += (x[start + j] - mean) * (x[start + j] - mean);
                double r = 1 / Math.Sqrt(v / m + eps);
                for (int j = 0; j < m; j++)
                {
                    int ch = g * cpg + j / hw;
                    double z = (x[start + j] - mean) * r * gamma[ch] + beta[ch];
                    y[start + j] = silu ? Silu(z) : z;
                }
            }
        return y;
    }

    /// <summary>softmax(Q Kᵀ/√d) V per head; q, k, v NCHW with tokens = H·W.</summary>
    public static double[] Attention(double[] q, double[] k, double[] v, int n, int c, int tokens, int d)
    {
        var o = new double[q.Length];
        var s = new double[tokens];
        for (int i = 0; i < n; i++)
            for (int h = 0; h < c / d; h++)
                for (int a = 0; a < tokens; a++)
                {
                    double max = double.NegativeInfinity;
                    for (int b = 0; b < tokens; b++)
                    {
                        double dot = 0;
                        for (int e = 0; e < d; e++) dot += q[(i * c + h * d + e) * tokens + a] * k[(i * c + h * d + e) * tokens + b];
                        s[b] = dot / Math.Sqrt(d);
                        max = Math.Max(max, s[b]);
                    }
                    double sum = 0;
                    for (int b = 0; b < tokens; b++) { s[b] = Math.Exp(s[b] - max); sum += s[b]; }
                    for (int e = 0; e < d; e++)
                    {
                        double acc = 0;
                        for (int b = 0; b < tokens; b++) acc += s[b] * v[(i * c + h * d + e) * tokens + b];
                        o[(i * c + h * d + e) * tokens + a] = acc / sum;
                    }
                }
        return o;
    }
}
