namespace StmKernel.Tensors.Tests.Backward;

/// <summary>
/// Central finite differences in double precision: the oracle every backward kernel is checked
/// against. Losses are L = Σ y·r for a fixed random r, so dL/dy = r.
/// </summary>
internal static class FiniteDifference
{
    /// <summary>dL/dp for every element of <paramref name="p"/> (perturbed in place and restored).</summary>
    public static double[] Gradient(double[] p, Func<double> loss, double h = 1e-5)
    {
        var g = new double[p.Length];
        for (int i = 0; i < p.Length; i++)
        {
            double keep = p[i];
            p[i] = keep + h; double up = loss();
            p[i] = keep - h; double down = loss();
            p[i] = keep;
            g[i] = (up - down) / (2 * h);
        }
        return g;
    }

    /// <summary>max |got − want| / max |want|: the error relative to the gradient's scale.</summary>
    public static double WorstRelative(ReadOnlySpan<float> got, ReadOnlySpan<double> want)
    {
        if (got.Length != want.Length) throw new ArgumentException($"gradient has {got.Length} values, expected {want.Length}");
        double scale = 0, err = 0;
        for (int i = 0; i < want.Length; i++) scale = Math.Max(scale, Math.Abs(want[i]));
        for (int i = 0; i < want.Length; i++) err = Math.Max(err, Math.Abs(got[i] - want[i]));
        Assert.True(scale > 1e-6, "the reference gradient is all zero: the test would not catch anything");
        return err / scale;
    }

    public static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    public static double[] Random(int n, int seed, double scale = 1)
    {
        var r = new Random(seed);
        var a = new double[n];
        // Values rounded to float so the float kernels see exactly the double oracle's inputs.
        for (int i = 0; i < n; i++) a[i] = (float)((r.NextDouble() * 2 - 1) * scale);
        return a;
    }

    public static float[] ToFloat(double[] a) => Array.ConvertAll(a, v => (float)v);

    public static BlockedTensor Blocked(double[] data, int n, int c, int h, int w)
    {
        var t = new Tensor(n, c, h, w);
        for (int i = 0; i < data.Length; i++) t.Data[i] = (float)data[i];
        return BlockedTensor.From(t);
    }

    public static float[] Plain(BlockedTensor t) => t.ToTensor().Data;
}
